import {Box, Text} from 'ink';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import type {Lang, Variable} from '../../lab/types.js';
import {choiceNote} from '../../lab/variables.js';

export interface VariablesFormProps {
	variables: readonly Variable[];
	values: Readonly<Record<string, string>>;
	lang: Lang;
	selected: number;
	/** The value being typed, when the selected variable is being edited. */
	draft?: string;
	/** Why the value typed for the selected variable was refused (it names the pattern). */
	error?: string;
	height: number;
	width?: number;
}

export function VariablesForm({variables, values, lang, selected, draft, error, height, width = 80}: VariablesFormProps) {
	const t = useT();
	// Title, intro (two lines at 80 columns) and the refusal (up to two lines) stay on screen.
	const introRows = Math.ceil(t('variables.intro').length / Math.max(20, width));
	const errorRows = error ? Math.ceil(error.length / Math.max(20, width)) : 0;
	const visible = Math.max(1, Math.floor((height - 1 - introRows - errorRows) / 2));
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
							{!editing && choiceNote(variable, values[variable.name] ?? variable.default) && (
								<Text color={color('muted')} wrap="truncate-end">
									({choiceNote(variable, values[variable.name] ?? variable.default)![lang]}
									{variable.choices && isSelected ? ` · ${t('variables.next-choice')}` : ''})
								</Text>
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
			{error && (
				<Text color={color('fail')}>
					{glyph.failed} {error}
				</Text>
			)}
		</Box>
	);
}
