// What did not make it in: rows skipped whole, and values left out of rows that were imported,
// each with its row number (as a spreadsheet shows it), column and reason; all of them in the CSV.
import { Button, Card, Code, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { SectionHeader } from '../../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../../components/QueryState.tsx';
import { api, download } from '../../lib/api.ts';
import { useWorkspaceKey } from '../../lib/session.ts';
import type { ReactNode } from 'react';
import type { ImportError, ImportInfo } from './importModel.ts';

const FIRST = 20;
const n = (x: number) => x.toLocaleString('en');

export function ImportProblems({ info }: { info: ImportInfo }) {
  const csv = (
    <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => download(`/imports/${info.id}/errors.csv`)}>
      Download all problems as CSV
    </Button>
  );
  const skippedFirst = info.skippedCount > 0;
  return (
    <>
      {info.skippedCount > 0 && (
        <ProblemList
          info={info}
          kind="skipped"
          count={info.skippedCount}
          title="Rows skipped"
          description={`${n(info.skippedCount)} ${info.skippedCount === 1 ? 'row was' : 'rows were'} not imported. Fix them in your file and import it again: rows that did import are matched, not duplicated.`}
          action={csv}
        />
      )}
      {info.valuesLeftOut > 0 && (
        <ProblemList
          info={info}
          kind="left_out"
          count={info.valuesLeftOut}
          title="Values left out"
          description={`${n(info.valuesLeftOut)} ${info.valuesLeftOut === 1 ? 'value did' : 'values did'} not fit their field. Their rows were imported without them; correct them on the contact, or fix the file and import it again.`}
          action={skippedFirst ? undefined : csv}
        />
      )}
    </>
  );
}

function ProblemList(props: { info: ImportInfo; kind: ImportError['kind']; count: number; title: string; description: string; action?: ReactNode }) {
  const { info, kind, count } = props;
  const errors = useQuery({
    queryKey: useWorkspaceKey('imports', info.id, 'errors', kind),
    queryFn: () => api.get<ImportError[]>(`/imports/${info.id}/errors?kind=${kind}&limit=${FIRST}`),
  });
  return (
    <Card>
      <SectionHeader title={props.title} description={props.description} actions={props.action} />
      {errors.isPending ? (
        <LoadingBlock />
      ) : errors.isError ? (
        <ErrorBlock error={errors.error} onRetry={() => void errors.refetch()} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" aria-label={props.title}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={80}>Row</Table.Th>
                {kind === 'left_out' && <Table.Th w="18%">Column</Table.Th>}
                <Table.Th>Reason</Table.Th>
                <Table.Th w="36%">Original row</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {errors.data.map((e) => (
                <Table.Tr key={`${e.rowNumber}-${e.reason}`}>
                  <Table.Td>
                    <Text fz="sm" ff="monospace">
                      {n(e.rowNumber)}
                    </Text>
                  </Table.Td>
                  {kind === 'left_out' && (
                    <Table.Td>
                      <Text fz="sm">{e.column}</Text>
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Text fz="sm">{e.reason}</Text>
                  </Table.Td>
                  <Table.Td>
                    {e.raw ? (
                      <Code fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                        {e.raw.slice(0, 200)}
                      </Code>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {count > FIRST && (
        <Text fz="xs" c="dimmed" mt="sm">
          The first {FIRST} are shown; the CSV has all of them.
        </Text>
      )}
    </Card>
  );
}
