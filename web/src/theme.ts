import { createTheme, type MantineColorsTuple } from '@mantine/core';

// A calm indigo: the brand colour, used for primary actions and the active navigation item.
const brand: MantineColorsTuple = [
  '#eef0ff',
  '#dcdefd',
  '#b6b9f4',
  '#8d92ec',
  '#6a70e5',
  '#545ae1',
  '#484fe0',
  '#3a41c8',
  '#3239b4',
  '#26309f',
];

// The platform's UI font where there is one (macOS, Windows, Android), then the common sans
// fonts of Linux desktops; generic system-ui last, as on Linux it often means a wide fallback.
const fontFamily =
  'Inter, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "Noto Sans", system-ui, sans-serif';

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: 6,
  colors: { brand },
  fontFamily,
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontFamily, fontWeight: '650' },
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    Button: { defaultProps: { radius: 'md' } },
    Card: { defaultProps: { withBorder: true, radius: 'lg', padding: 'lg' } },
    Paper: { defaultProps: { radius: 'lg' } },
    Modal: { defaultProps: { radius: 'lg', centered: true, overlayProps: { backgroundOpacity: 0.4, blur: 2 } } },
    Badge: { defaultProps: { radius: 'sm', variant: 'light' }, styles: { root: { textTransform: 'none', fontWeight: 600, letterSpacing: 0 } } },
    Table: {
      styles: {
        th: {
          fontSize: 'var(--mantine-font-size-xs)',
          fontWeight: 600,
          color: 'var(--mantine-color-gray-6)',
          textTransform: 'uppercase',
          letterSpacing: '0.04em',
          whiteSpace: 'nowrap',
        },
      },
    },
    Tooltip: { defaultProps: { withArrow: true, openDelay: 300 } },
    TextInput: { defaultProps: { radius: 'md' } },
    PasswordInput: { defaultProps: { radius: 'md' } },
    Select: { defaultProps: { radius: 'md', allowDeselect: false } },
  },
});
