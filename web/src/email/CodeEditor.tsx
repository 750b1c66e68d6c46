// A code editor for MJML with Liquid (CodeMirror 6): HTML highlighting and completion, line
// numbers, and the server's problems marked on their line (a red line, a gutter marker, the
// message on hover).
import { html } from '@codemirror/lang-html';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { type EditorState, type Extension, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { useEffect, useMemo, useState } from 'react';
import classes from './email.module.css';

export interface EditorIssue {
  line: number;
  column: number;
  message: string;
}

const setErrorLines = StateEffect.define<number[]>();

/** Whole-line marks for the lines with problems; they follow edits until the next check. */
const errorLines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setErrorLines)) continue;
      const builder = new RangeSetBuilder<Decoration>();
      for (const n of [...new Set(effect.value)].sort((a, b) => a - b)) {
        if (n < 1 || n > tr.state.doc.lines) continue;
        const line = tr.state.doc.line(n);
        builder.add(line.from, line.from, Decoration.line({ attributes: { class: 'cm-errorLine', 'data-line': String(n) } }));
      }
      next = builder.finish();
    }
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const theme = EditorView.theme({
  '&': { fontSize: '13px', height: '100%' },
  '.cm-scroller': { fontFamily: 'var(--mantine-font-family-monospace)', lineHeight: '1.55' },
  '.cm-errorLine': { backgroundColor: 'rgba(250, 82, 82, 0.12)' },
  '.cm-gutters': { backgroundColor: 'var(--mantine-color-gray-0)', borderRight: '1px solid var(--mantine-color-gray-2)' },
});

function diagnosticsOf(state: EditorState, issues: EditorIssue[]): Diagnostic[] {
  return issues
    .filter((i) => i.line >= 1 && i.line <= state.doc.lines)
    .map((i) => {
      const line = state.doc.line(i.line);
      const from = Math.min(line.from + Math.max(0, i.column - 1), line.to);
      return { from, to: from === line.to ? line.to : Math.min(line.to, from + 1), severity: 'error' as const, message: i.message };
    });
}

interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  issues: EditorIssue[];
  label: string;
  readOnly?: boolean;
  height?: string;
}

export function CodeEditor({ value, onChange, issues, label, readOnly, height = '100%' }: CodeEditorProps) {
  const [view, setView] = useState<EditorView | null>(null);
  const extensions = useMemo<Extension[]>(
    () => [html({ selfClosingTags: true }), lintGutter(), errorLines, theme, EditorView.lineWrapping, EditorView.contentAttributes.of({ 'aria-label': label })],
    [label],
  );

  // Problems come from the server after a save; they are marked on the text they were found in.
  useEffect(() => {
    if (!view) return;
    view.dispatch(setDiagnostics(view.state, diagnosticsOf(view.state, issues)));
    view.dispatch({ effects: setErrorLines.of(issues.map((i) => i.line)) });
  }, [view, issues]);

  return (
    <div className={classes.codeEditor} data-testid="code-editor" data-error-lines={issues.map((i) => i.line).join(',') || undefined}>
      <CodeMirror
        value={value}
        onChange={onChange}
        extensions={extensions}
        readOnly={readOnly}
        height={height}
        basicSetup={{ foldGutter: true, highlightActiveLine: true, autocompletion: true }}
        onCreateEditor={(v) => setView(v)}
      />
    </div>
  );
}
