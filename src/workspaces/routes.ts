import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../server/context.ts';
import { badRequest, forbidden } from '../errors.ts';
import { sessionOf, workspaceOf } from '../server/request.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './apikeys.ts';
import {
  acceptInvitationBody,
  apiKey,
  apiKeyCreated,
  changeRoleBody,
  createApiKeyBody,
  invitation,
  invitationCreated,
  invitationPreview,
  inviteBody,
  member,
  sessionInfo,
  workspaceBody,
  workspaceInfo,
  workspacePatch,
  workspaceSummary,
} from './contract.ts';
import { assertMayCreateWorkspaces } from './creation.ts';
import { acceptInvitation, createInvitation, invitationUrl, listPendingInvitations, previewInvitation, revokeInvitation } from './invitations.ts';
import { startSession } from './session-routes.ts';
import {
  changeMemberRole,
  createWorkspace,
  getWorkspace,
  listMembers,
  listUserWorkspaces,
  removeMember,
  updateWorkspace,
} from './workspaces.ts';

const tokenParam = z.object({ token: z.string().min(10).max(100) });

export function workspaceRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // The signed-in person's workspaces.
    app.get(
      '/workspaces',
      { config: { access: 'user' }, schema: { tags: ['Workspaces'], summary: 'Your workspaces', response: { 200: z.array(workspaceSummary) } } },
      async (req) => listUserWorkspaces(ctx, sessionOf(req).userId),
    );
    app.post(
      '/workspaces',
      {
        config: { access: 'user' },
        schema: {
          tags: ['Workspaces'],
          summary: 'Create a workspace you own (who may: RAPPORT_WORKSPACE_CREATION; by default owners and admins of a workspace)',
          body: workspaceBody,
          response: { 201: workspaceSummary, 403: errorResponse },
        },
      },
      async (req, reply) => {
        const { userId } = sessionOf(req);
        assertMayCreateWorkspaces(ctx, await listUserWorkspaces(ctx, userId));
        return reply.code(201).send(await createWorkspace(ctx, userId, req.body.name));
      },
    );

    // The current workspace.
    app.get(
      '/workspace',
      { schema: { tags: ['Workspaces'], summary: 'The current workspace', response: { 200: workspaceInfo } } },
      async (req) => getWorkspace(ctx, workspaceOf(req).workspaceId),
    );
    app.patch(
      '/workspace',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['Workspaces'],
          summary: 'Rename the current workspace, or set its postal address or default country',
          body: workspacePatch,
          response: { 200: workspaceInfo, 400: errorResponse },
        },
      },
      async (req) => {
        const { workspaceId } = workspaceOf(req);
        await updateWorkspace(ctx, workspaceId, req.body);
        return getWorkspace(ctx, workspaceId);
      },
    );

    // Members.
    app.get(
      '/members',
      { schema: { tags: ['Members'], summary: 'Members of the workspace and their roles', response: { 200: z.array(member) } } },
      async (req) => listMembers(ctx, workspaceOf(req).workspaceId),
    );
    app.patch(
      '/members/:userId',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['Members'],
          summary: 'Change a member’s role',
          params: uuidParam('userId'),
          body: changeRoleBody,
          response: { 204: z.undefined(), 400: errorResponse, 403: errorResponse, 404: errorResponse },
        },
      },
      async (req, reply) => {
        const ws = workspaceOf(req);
        await changeMemberRole(ctx, ws.workspaceId, ws, req.params.userId, req.body.role);
        return reply.code(204).send();
      },
    );
    app.delete(
      '/members/:userId',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['Members'],
          summary: 'Remove a member from the workspace',
          params: uuidParam('userId'),
          response: { 204: z.undefined(), 400: errorResponse, 403: errorResponse, 404: errorResponse },
        },
      },
      async (req, reply) => {
        const ws = workspaceOf(req);
        await removeMember(ctx, ws.workspaceId, ws, req.params.userId);
        return reply.code(204).send();
      },
    );

    app.post(
      '/workspace/leave',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['Members'],
          summary: 'Leave the current workspace (any role; the last owner cannot)',
          response: { 204: z.undefined(), 400: errorResponse, 403: errorResponse },
        },
      },
      async (req, reply) => {
        const ws = workspaceOf(req);
        if (!ws.userId) throw forbidden('An API key is not a member; revoke it instead.');
        await removeMember(ctx, ws.workspaceId, { userId: ws.userId, role: 'owner' }, ws.userId);
        return reply.code(204).send();
      },
    );

    // Invitations.
    app.get(
      '/invitations',
      { config: { role: 'admin' }, schema: { tags: ['Members'], summary: 'Pending invitations', response: { 200: z.array(invitation) } } },
      async (req) => listPendingInvitations(ctx, workspaceOf(req).workspaceId),
    );
    app.post(
      '/invitations',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['Members'],
          summary: 'Invite someone by email; returns the link to pass on',
          body: inviteBody,
          response: { 201: invitationCreated, 409: errorResponse },
        },
      },
      async (req, reply) => {
        const ws = workspaceOf(req);
        const { invitation: inv, token } = await createInvitation(ctx, ws.workspaceId, ws.userId, req.body.email, req.body.role);
        const origin = `${req.protocol}://${req.host}`;
        return reply.code(201).send({ invitation: inv, url: invitationUrl(ctx, token, origin) });
      },
    );
    app.delete(
      '/invitations/:id',
      {
        config: { role: 'admin' },
        schema: { tags: ['Members'], summary: 'Revoke a pending invitation', params: uuidParam('id'), response: { 204: z.undefined(), 404: errorResponse } },
      },
      async (req, reply) => {
        await revokeInvitation(ctx, workspaceOf(req).workspaceId, req.params.id);
        return reply.code(204).send();
      },
    );
    // The invitation link itself: the token is the credential.
    app.get(
      '/invites/:token',
      {
        config: { access: 'public' },
        schema: { tags: ['Members'], summary: 'What an invitation link is for', params: tokenParam, response: { 200: invitationPreview, 404: errorResponse } },
      },
      async (req) => previewInvitation(ctx, req.params.token),
    );
    app.post(
      '/invites/:token/accept',
      {
        config: { access: 'public' },
        schema: {
          tags: ['Members'],
          summary: 'Accept an invitation (signed in as the invited address, or creating that account)',
          params: tokenParam,
          body: acceptInvitationBody,
          response: { 200: sessionInfo, 403: errorResponse, 404: errorResponse, 409: errorResponse },
        },
      },
      async (req, reply) => {
        const signedIn = req.auth?.kind === 'session' ? req.auth.session.user : undefined;
        let result;
        if (signedIn) {
          result = await acceptInvitation(ctx, req.params.token, { user: signedIn });
        } else {
          const { name, password } = req.body;
          if (!password) throw badRequest('Choose a password for your new account.', [{ path: 'password', message: 'is required' }]);
          result = await acceptInvitation(ctx, req.params.token, { name: name ?? '', password });
        }
        return startSession(ctx, req, reply, result.user, result.workspaceId);
      },
    );

    // API keys.
    app.get(
      '/api-keys',
      { config: { role: 'admin' }, schema: { tags: ['API keys'], summary: 'API keys of the workspace', response: { 200: z.array(apiKey) } } },
      async (req) => listApiKeys(ctx, workspaceOf(req).workspaceId),
    );
    app.post(
      '/api-keys',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['API keys'],
          summary: 'Create an API key; the key is in this response only',
          body: createApiKeyBody,
          response: { 201: apiKeyCreated },
        },
      },
      async (req, reply) => {
        const ws = workspaceOf(req);
        return reply.code(201).send(await createApiKey(ctx, ws.workspaceId, ws.userId, req.body));
      },
    );
    app.delete(
      '/api-keys/:id',
      {
        config: { role: 'admin' },
        schema: { tags: ['API keys'], summary: 'Revoke an API key (it stops working at once)', params: uuidParam('id'), response: { 204: z.undefined(), 404: errorResponse } },
      },
      async (req, reply) => {
        await revokeApiKey(ctx, workspaceOf(req).workspaceId, req.params.id);
        return reply.code(204).send();
      },
    );
  };
}
