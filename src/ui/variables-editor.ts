// The variables screen's editing: move, edit a value (refused when it does not match the variable's pattern),
// save, and leave (saving the defaults the learner kept, so commands always get every variable).
import type {Lab} from '../lab/types.js';
import {msg} from '../lab/i18n.js';
import {checkVariableValue, nextChoice, variablesOnTrack} from '../lab/variables.js';
import type {SessionState} from '../session/index.js';
import type {KeyPress} from './keys.js';

export interface VariablesEdit {
	selected: number;
	draft?: string;
	/** Why the value typed was refused (names the pattern). */
	error?: string;
	/** Screen to go to when done. */
	then: 'tracks' | 'variables' | 'lessons' | 'step' | 'help';
}

export interface VariablesEditorPorts {
	lab: Lab;
	get(): {edit: VariablesEdit; session: SessionState};
	set(edit: VariablesEdit): void;
	save(values: Record<string, string>): void;
	done(): void;
}

export class VariablesEditor {
	constructor(private readonly ports: VariablesEditorPorts) {}

	private current() {
		const {edit, session} = this.ports.get();
		const variables = variablesOnTrack(this.ports.lab, session.track);
		return {edit, session, variables, variable: variables[edit.selected]};
	}

	move(delta: number) {
		const {edit, variables} = this.current();
		this.ports.set({...edit, selected: Math.max(0, Math.min(variables.length - 1, edit.selected + delta))});
	}

	/** Starts typing a value; a variable with choices takes its next choice instead, saved at once. */
	edit() {
		const {edit, session, variable} = this.current();
		if (!variable) return;
		const value = session.variables[variable.name] ?? variable.default;
		const next = nextChoice(variable, value);
		if (next !== undefined) {
			this.ports.save({[variable.name]: next});
			return this.ports.set({...edit, draft: undefined, error: undefined});
		}
		this.ports.set({...edit, draft: value, error: undefined});
	}

	cancel() {
		this.ports.set({...this.current().edit, draft: undefined, error: undefined});
	}

	save() {
		const {edit, session, variable} = this.current();
		if (!variable || edit.draft === undefined) return;
		if (checkVariableValue(variable, edit.draft)) {
			const refused = msg(session.lang, 'variables.invalid', {name: variable.name, value: JSON.stringify(edit.draft), pattern: variable.pattern});
			return this.ports.set({...edit, error: refused});
		}
		this.ports.save({[variable.name]: edit.draft});
		this.ports.set({...edit, draft: undefined, error: undefined});
	}

	/** Leaves the screen, saving the defaults of variables never set. */
	finish() {
		const {session, variables} = this.current();
		this.ports.save(Object.fromEntries(variables.filter((v) => session.variables[v.name] === undefined).map((v) => [v.name, v.default])));
		this.ports.done();
	}

	/** Typing into the value being edited. */
	type(input: string, key: KeyPress) {
		const {edit} = this.current();
		if (edit.draft === undefined) return;
		if (key.backspace || key.delete) return this.ports.set({...edit, draft: edit.draft.slice(0, -1), error: undefined});
		if (key.ctrl && input === 'u') return this.ports.set({...edit, draft: '', error: undefined});
		if (input && !key.ctrl && !key.upArrow && !key.downArrow && !/[\u0000-\u001f]/.test(input)) this.ports.set({...edit, draft: edit.draft + input, error: undefined});
	}
}
