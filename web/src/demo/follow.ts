// Whether the Contacts page follows a demo load on top of the page: set when a load is
// started (at setup or from the empty Contacts page), cleared when its summary is closed.
// Kept in the tab's sessionStorage, per workspace, so the card stays while the page is shown
// again (the session refetched when the load finishes, the URL's search changing), until the
// person closes it. Navigation state alone was lost on such a remount and the summary vanished.
import { useState } from 'react';

const keyOf = (workspaceId: string) => `rapport:follow-demo:${workspaceId}`;

function read(workspaceId: string): boolean {
  try {
    return sessionStorage.getItem(keyOf(workspaceId)) === '1';
  } catch {
    return false;
  }
}

function write(workspaceId: string, on: boolean): void {
  try {
    if (on) sessionStorage.setItem(keyOf(workspaceId), '1');
    else sessionStorage.removeItem(keyOf(workspaceId));
  } catch {
    // Storage refused (private mode with no quota): the card is followed until the page is left.
  }
}

/** Marks a load just started in this workspace as followed (setup calls it before navigating). */
export function startFollowingDemo(workspaceId: string): void {
  write(workspaceId, true);
}

/** Forgets it (the load could not be started). */
export function stopFollowingDemo(workspaceId: string): void {
  write(workspaceId, false);
}

/** The Contacts page's flag, per workspace; reads the stored flag again on a workspace switch. */
export function useFollowDemo(workspaceId: string): [boolean, (on: boolean) => void] {
  const [state, setState] = useState(() => ({ workspaceId, on: read(workspaceId) }));
  let current = state;
  if (state.workspaceId !== workspaceId) {
    current = { workspaceId, on: read(workspaceId) };
    setState(current);
  }
  const set = (on: boolean) => {
    write(workspaceId, on);
    setState({ workspaceId, on });
  };
  return [current.on, set];
}
