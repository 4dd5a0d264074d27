import {Box, Text} from 'ink';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import type {Lang, Variable} from '../../lab/types.js';

export interface VariablesFormProps {
	variables: readonly Variable[];
	values: Readonly<Record<string, string>>;
	lang: Lang;
	selected: number;
	/** The value being typed, when the selected variable is being edited. */
	draft?: string;
	/** The value typed for the selected variable was refused. */
	error?: boolean;
	height: number;
}

export function VariablesForm({variables, values, lang, selected, draft, error, height}: VariablesFormProps) {
	const t = useT();
	const visible = Math.max(1, Math.floor((height - 4) / 2));
	const first = Math.min(Math.max(0, selected - visible + 1), Math.max(0, variables.length - visible));
	const nameWidth = Math.max(...variables.map((variable) => variable.name.length), 4);
	return (
		<Box flexDirection="column">
			<Text bold color={color('accent')}>
				{t('variables.title')}
			</Text>
			<Text color={color('muted')}>{t('variables.intro')}</Text>
			{variables.slice(first, first + visible).map((variable, offset) => {
				const index = first + offset;
				const isSelected = index === selected;
				const editing = isSelected && draft !== undefined;
				return (
					<Box key={variable.name} flexDirection="column">
						<Box columnGap={1}>
							<Text color={color('selected')}>{isSelected ? glyph.pointer : ' '}</Text>
							<Text bold={isSelected}>{variable.name.padEnd(nameWidth)}</Text>
							{editing ? (
								<Text inverse>{`${draft}▏`}</Text>
							) : (
								<Text color={color('code')}>{values[variable.name] ?? variable.default}</Text>
							)}
						</Box>
						<Box paddingLeft={nameWidth + 3}>
							<Text color={color('muted')} wrap="truncate-end">
								{variable.description[lang]}
							</Text>
						</Box>
					</Box>
				);
			})}
			{error && variables[selected] && (
				<Text color={color('fail')}>{t('variables.invalid', {name: variables[selected].name, pattern: variables[selected].pattern})}</Text>
			)}
		</Box>
	);
}
