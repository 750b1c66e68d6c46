// One figure of the dashboard: its value for the period, the change against the period before
// (an arrow and a percentage, or points for rates; for churn a fall is good news), a small chart
// of its series, and on hover how it is counted.
import '@mantine/charts/styles.css';
import { Sparkline } from '@mantine/charts';
import { Box, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconArrowDownRight, IconArrowRight, IconArrowUpRight, IconInfoCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { DEFINITIONS, LOWER_IS_BETTER, MONEY_TILES, RATE_TILES, type DashboardTile as TileKey } from '../../../src/reports/definitions.ts';
import { count, decimal, fillWindow, money, pct } from './format.ts';
import type { Tile } from './model.ts';

/** A tile's value in words: money in its currency, rates as percentages, NPS as a score. */
export function tileValue(key: TileKey, value: number | null, currency: string | null): string {
  if (value === null) return '–';
  if (MONEY_TILES.has(key)) return currency ? money(value, currency) : count(value);
  if (RATE_TILES.has(key)) return pct(value);
  if (key === 'nps') return decimal(value);
  return count(value);
}

interface Change {
  text: string;
  /** up, down or flat; and whether that is good news. */
  direction: 'up' | 'down' | 'flat';
  good: boolean | null;
}

/** The change against the previous period: relative for amounts and counts, in points for rates and NPS. */
export function changeOf(key: TileKey, value: number | null, previous: number | null): Change | null {
  if (value === null || previous === null) return null;
  const points = RATE_TILES.has(key) || key === 'nps';
  const diff = points ? (RATE_TILES.has(key) ? (value - previous) * 100 : value - previous) : previous === 0 ? null : ((value - previous) / Math.abs(previous)) * 100;
  if (diff === null) return value === 0 ? { text: 'no change', direction: 'flat', good: null } : { text: 'new', direction: 'up', good: !LOWER_IS_BETTER.has(key) };
  const rounded = Math.round(diff * 10) / 10;
  if (rounded === 0) return { text: points ? '0 pts' : '0%', direction: 'flat', good: null };
  const sign = rounded > 0 ? '+' : '−';
  const text = `${sign}${Math.abs(rounded).toLocaleString('en', { maximumFractionDigits: 1 })}${points ? ' pts' : '%'}`;
  const up = rounded > 0;
  return { text, direction: up ? 'up' : 'down', good: LOWER_IS_BETTER.has(key) ? !up : up };
}

/** What the "count of whole" under a rate counts. */
const COUNT_UNITS: Partial<Record<TileKey, string>> = {
  repeatRate: 'buyers',
  churnRate: 'active at the start',
  openRate: 'delivered',
  clickRate: 'delivered',
};

interface Props {
  tile: Tile;
  currency: string | null;
  /** Replaces the value when the data behind it is missing (no NPS answers, no email sent). */
  missing?: ReactNode;
  previousLabel: string;
  activeDays: number;
}

export function DashboardTile({ tile, currency, missing, previousLabel, activeDays }: Props) {
  const def = DEFINITIONS[tile.key];
  const change = changeOf(tile.key, tile.value, tile.previous);
  const hasSeries = tile.series.some((v) => v !== null);
  const formula = fillWindow(def.formula, 'N', activeDays);
  const ChangeIcon = change?.direction === 'up' ? IconArrowUpRight : change?.direction === 'down' ? IconArrowDownRight : IconArrowRight;
  const changeColor = change?.good === true ? 'teal.7' : change?.good === false ? 'red.7' : 'dimmed';
  return (
    <Paper withBorder p="sm" px="md" radius="md" data-testid={`tile-${tile.key}`} style={{ minWidth: 0 }}>
      <Stack gap={4} h="100%">
        <Tooltip label={formula} multiline w={300} events={{ hover: true, focus: true, touch: true }}>
          <Group gap={4} wrap="nowrap" tabIndex={0} aria-label={`${def.label}: ${formula}`} style={{ cursor: 'help', alignSelf: 'flex-start' }}>
            <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em" lineClamp={2} lh={1.35}>
              {def.label}
            </Text>
            <IconInfoCircle size={13} stroke={1.6} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0 }} aria-hidden />
          </Group>
        </Tooltip>
        {missing ? (
          <Box fz="sm" c="dimmed" py={4} data-testid="tile-missing">
            {missing}
          </Box>
        ) : (
          <>
            <Group gap={8} align="baseline" wrap="wrap" style={{ rowGap: 0 }}>
              <Text fz={22} fw={650} lh={1.25} data-testid="tile-value" style={{ whiteSpace: 'nowrap' }}>
                {tileValue(tile.key, tile.value, currency)}
              </Text>
              {change && (
                <Group gap={2} wrap="nowrap" c={changeColor} data-testid="tile-change" title={`Against ${previousLabel}: ${tileValue(tile.key, tile.previous, currency)}`}>
                  <ChangeIcon size={14} stroke={2} aria-hidden />
                  <Text fz="xs" fw={600} c={changeColor}>
                    {change.text}
                  </Text>
                </Group>
              )}
            </Group>
            <Text fz="xs" c="dimmed" lineClamp={2}>
              {tile.count
                ? `${count(tile.count.current.count)} of ${count(tile.count.current.of)} ${COUNT_UNITS[tile.key] ?? ''}`
                : `Before: ${tileValue(tile.key, tile.previous, currency)}`}
            </Text>
            {hasSeries && (
              <Sparkline
                mt="auto"
                pt={6}
                h={40}
                data={tile.series}
                curveType="monotone"
                color={tile.key === 'churnRate' ? 'orange' : 'cyan'}
                fillOpacity={0.35}
                strokeWidth={1.6}
                aria-hidden
              />
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
