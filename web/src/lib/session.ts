// The signed-in person, their workspaces and the CSRF token, kept in the query cache under
// ['session'] so every page re-renders when it changes (sign-in, switch, sign-out).
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api, isApiError, rememberSession } from './api.ts';
import type { SessionInfo, SetupStatus, WorkspaceInfo, WorkspaceSummary } from './types.ts';

export const setupQuery = queryOptions({
  queryKey: ['setup'],
  queryFn: () => api.get<SetupStatus>('/setup'),
  staleTime: Infinity,
});

export const sessionQuery = queryOptions({
  queryKey: ['session'],
  queryFn: async (): Promise<SessionInfo | null> => {
    try {
      return rememberSession(await api.get<SessionInfo>('/session'));
    } catch (err) {
      // 401 is the answer "nobody is signed in", not a failure.
      if (isApiError(err, 401)) return rememberSession(null);
      throw err;
    }
  },
  staleTime: 5 * 60_000,
});

/** The session of a signed-in page; the route guard makes sure there is one. */
export function useSession(): SessionInfo {
  const { data } = useQuery(sessionQuery);
  if (!data) throw new Error('useSession() is for pages behind the sign-in guard.');
  return data;
}

/** The current workspace; the shell only renders pages once one is chosen. */
export function useWorkspace(): WorkspaceSummary {
  const session = useSession();
  if (!session.workspace) throw new Error('useWorkspace() needs a current workspace.');
  return session.workspace;
}

/** Query keys of workspace data carry the workspace id, so a switch never shows another's data. */
export function useWorkspaceKey(...parts: string[]): [string, string, ...string[]] {
  return ['ws', useWorkspace().id, ...parts];
}

/** The current workspace's settings (name, postal address); forms that change them set this query's data. */
export function useWorkspaceInfoQuery() {
  return useQuery({ queryKey: useWorkspaceKey('workspace'), queryFn: () => api.get<WorkspaceInfo>('/workspace') });
}

/** Stores a SessionInfo answered by sign-in, setup or accepting an invitation. */
export function useAcceptSession() {
  const queryClient = useQueryClient();
  return (info: SessionInfo) => {
    rememberSession(info);
    queryClient.removeQueries({ queryKey: ['ws'] });
    queryClient.setQueryData(sessionQuery.queryKey, info);
    queryClient.setQueryData(setupQuery.queryKey, { needed: false });
  };
}

/** Signs out, then shows the sign-in page (or `to`, for example with a `next` to come back to). */
export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  // The variable is where to go afterwards; the request itself needs nothing.
  return useMutation<void, Error, string | undefined>({
    mutationFn: () => api.delete('/session'),
    onSettled: (_data, _err, to) => {
      rememberSession(null);
      queryClient.removeQueries({ queryKey: ['ws'] });
      queryClient.setQueryData(sessionQuery.queryKey, null);
      // After the query cache has told the pages (it notifies on a timeout), so that the
      // sign-in page is not asked to come back to where the person signed out.
      setTimeout(() => navigate(to ?? '/signin', { replace: true }), 0);
    },
  });
}

export function useSwitchWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (workspaceId: string) => api.put('/session/workspace', { workspaceId }),
    onSuccess: async () => {
      // The session says which workspace is current; everything else hangs off it.
      await queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey });
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
    },
  });
}
