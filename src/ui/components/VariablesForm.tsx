import {Box, Text} from 'ink';
import {color, glyph} from '../theme.js';
import {useT} from '../i18n.js';
import type {Lang, Variable} from '../../lab/types.js';
import {choiceNote} from '../../lab/variables.js';
import {inlineMarkdown, truncateRow, wrapText} from '../layout.js';

/** The selected variable's description is shown whole, up to this many rows; the others keep one row each. */
const MAX_DESCRIPTION_ROWS = 5;

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
	const nameWidth = Math.max(...variables.map((variable) => variable.name.length), 4);
	const descriptionWidth = Math.max(20, width - nameWidth - 3);
	const selectedVariable = variables[selected];
	const selectedDescription = selectedVariable
		? clipRows(wrapText(inlineMarkdown(selectedVariable.description[lang]), descriptionWidth), MAX_DESCRIPTION_ROWS)
		: [];
	// Title, intro and the refusal stay on screen; the selected variable takes its description's rows.
	const introRows = wrapText(t('variables.intro'), Math.max(20, width)).length;
	const errorRows = error ? wrapText(`${glyph.failed} ${error}`, Math.max(20, width)).length : 0;
	const extraRows = Math.max(0, selectedDescription.length - 1);
	const visible = Math.max(1, Math.floor((height - 1 - introRows - errorRows - extraRows) / 2));
	const first = Math.min(Math.max(0, selected - visible + 1), Math.max(0, variables.length - visible));
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
							<Box flexShrink={0}>
								<Text color={color('selected')}>{isSelected ? glyph.pointer : ' '}</Text>
							</Box>
							<Box flexShrink={0}>
								<Text bold={isSelected}>{variable.name.padEnd(nameWidth)}</Text>
							</Box>
							{editing ? (
								<Text inverse>{`${draft}▏`}</Text>
							) : (
								<Box flexShrink={0}>
									<Text color={color('code')}>{values[variable.name] ?? variable.default}</Text>
								</Box>
							)}
							{!editing && choiceNote(variable, values[variable.name] ?? variable.default) && (
								<Text color={color('muted')} wrap="truncate-end">
									({choiceNote(variable, values[variable.name] ?? variable.default)![lang]}
									{variable.choices && isSelected ? ` · ${t('variables.next-choice')}` : ''})
								</Text>
							)}
						</Box>
						<Box paddingLeft={nameWidth + 3}>
							{isSelected ? (
								<Text color={color('muted')}>{selectedDescription.join('\n')}</Text>
							) : (
								<Text color={color('muted')}>{truncateRow(inlineMarkdown(variable.description[lang]), descriptionWidth)}</Text>
							)}
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

function clipRows(rows: string[], limit: number): string[] {
	if (rows.length <= limit) return rows;
	const kept = rows.slice(0, limit);
	kept[limit - 1] = `${kept[limit - 1]!.replace(/.$/u, '')}…`;
	return kept;
}
