import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { uuidv7 } from '../db/ids.ts';
import { DomainError, type FieldIssue } from '../errors.ts';
import { getSegment } from '../segments/segments.ts';
import type { AppContext } from '../server/context.ts';
import { AppError } from '../server/errors.ts';
import { workspaceOf } from '../server/request.ts';
import { errorResponse, uuidParam } from '../shared/schemas.ts';
import {
  createWorkflowBody,
  enrollBody,
  enrollHeaders,
  enrollmentPage,
  enrollmentsQuery,
  enrollResult,
  journeys,
  publishBody,
  publishResult,
  reportQuery,
  starterBody,
  starterList,
  starterParam,
  stepCounts,
  updateWorkflowBody,
  workflowDetail as detailSchema,
  workflowList,
  workflowReport,
} from './contract.ts';
import { enrollmentsOf, journeysOf, liftReport, stepCountsOf, workflowDetail, workflowSummaries } from './report.ts';
import { createFromStarter, WORKFLOW_STARTERS } from './starters.ts';
import { archiveWorkflow, createWorkflow, enrollContacts, pauseWorkflow, publishWorkflow, resumeWorkflow, updateWorkflow } from './workflows.ts';

const tags = ['Workflows'];
const idParam = uuidParam('id');
const errors = { 400: errorResponse, 404: errorResponse, 409: errorResponse };

const isFieldIssues = (d: unknown): d is FieldIssue[] => Array.isArray(d) && d.every((i) => typeof (i as FieldIssue | null)?.path === 'string');

/**
 * Publishing checks the saved draft, not the request: its problems are named as fields of the
 * workflow's `graph` ("graph.steps.mail.templateId"), those of the request's step mapping as
 * fields of the body ("body.mapping.wait").
 */
function publishProblems(err: unknown): unknown {
  if (!(err instanceof DomainError) || err.kind !== 'invalid' || !isFieldIssues(err.details)) return err;
  const details = err.details.map((i) => ({
    ...i,
    path: i.path.startsWith('mapping.') ? `body.${i.path}` : i.path === 'graph' || i.path.startsWith('graph.') ? i.path : `graph.${i.path}`,
  }));
  return new AppError(400, err.code, err.message, details);
}

/** Workflows, their versions, enrollments, step counts and lift reports (/api/v1/workflows…). */
export function workflowRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/workflows', { schema: { tags, summary: 'Workflows with their state, live version and counts, archived last', response: { 200: workflowList } } }, async (req) => ({
      items: await workflowSummaries(ctx, workspaceOf(req).workspaceId),
    }));

    app.post(
      '/workflows',
      { schema: { tags, summary: 'Create a workflow (a draft until published)', body: createWorkflowBody, response: { 201: detailSchema, ...errors } } },
      async (req, reply) => {
        const ws = workspaceOf(req);
        const w = await createWorkflow(ctx, ws.workspaceId, ws.userId, req.body);
        return reply.code(201).send(await workflowDetail(ctx, ws.workspaceId, w.id));
      },
    );

    app.get(
      '/workflows/starters',
      { schema: { tags, summary: 'Starting workflows for common journeys (welcome series, post-purchase, win-back, birthday, re-engagement)', response: { 200: starterList } } },
      async () => ({ items: WORKFLOW_STARTERS.map(({ key, name, description, creates, holdoutPercent }) => ({ key, name, description, creates, holdoutPercent })) }),
    );

    app.post(
      '/workflows/starters/:key',
      {
        schema: {
          tags,
          summary: 'Create a draft workflow from a starter, with the templates and segment it needs when the workspace has none of those names',
          params: starterParam,
          body: starterBody,
          response: { 201: detailSchema, ...errors },
        },
      },
      async (req, reply) => {
        const ws = workspaceOf(req);
        const w = await createFromStarter(ctx, ws.workspaceId, ws.userId, req.params.key, req.body?.name);
        return reply.code(201).send(await workflowDetail(ctx, ws.workspaceId, w.id));
      },
    );

    app.get(
      '/workflows/:id',
      { schema: { tags, summary: 'A workflow: its draft, its live version and the list of versions', params: idParam, response: { 200: detailSchema, 404: errorResponse } } },
      async (req) => workflowDetail(ctx, workspaceOf(req).workspaceId, req.params.id),
    );

    app.patch(
      '/workflows/:id',
      {
        schema: {
          tags,
          summary: 'Rename, describe, change the holdout or save the draft (the live version changes only by publishing)',
          params: idParam,
          body: updateWorkflowBody,
          response: { 200: detailSchema, ...errors },
        },
      },
      async (req) => {
        const ws = workspaceOf(req).workspaceId;
        await updateWorkflow(ctx, ws, req.params.id, req.body);
        return workflowDetail(ctx, ws, req.params.id);
      },
    );

    app.post(
      '/workflows/:id/publish',
      {
        schema: {
          tags,
          summary: "Publish the draft as the next version; contacts in flight stay on theirs unless `mapping` moves them (old step → new step). Problems name fields of the workflow's graph",
          params: idParam,
          body: publishBody,
          response: { 200: publishResult, ...errors },
        },
      },
      async (req) => {
        const ws = workspaceOf(req);
        const result = await publishWorkflow(ctx, ws.workspaceId, req.params.id, ws.userId, { mapping: req.body?.mapping }).catch((err: unknown) => {
          throw publishProblems(err);
        });
        return { workflow: await workflowDetail(ctx, ws.workspaceId, req.params.id), version: result.version, moved: result.moved };
      },
    );

    const stateChange = (path: string, summary: string, change: typeof pauseWorkflow) =>
      app.post(path, { schema: { tags, summary, params: idParam, response: { 200: detailSchema, ...errors } } }, async (req) => {
        const ws = workspaceOf(req).workspaceId;
        await change(ctx, ws, req.params.id);
        return workflowDetail(ctx, ws, req.params.id);
      });
    stateChange('/workflows/:id/pause', 'Pause: everyone stays at their step and no one enters until resumed', pauseWorkflow);
    stateChange('/workflows/:id/resume', 'Resume: waits that ended while paused end now, in order', resumeWorkflow);
    stateChange('/workflows/:id/archive', 'Archive: every run ends (as exited) and the workflow stops for good', archiveWorkflow);

    app.post(
      '/workflows/:id/enrollments',
      {
        schema: {
          tags,
          summary: 'Enroll contacts by hand (by id, or a segment’s or list’s members now) under the workflow’s entry rules; an Idempotency-Key makes a retry harmless',
          params: idParam,
          headers: enrollHeaders,
          body: enrollBody,
          response: { 200: enrollResult, ...errors },
        },
      },
      async (req) => {
        const ws = workspaceOf(req).workspaceId;
        if ('segmentId' in req.body) await getSegment(ctx, ws, req.body.segmentId);
        const key = req.headers['idempotency-key'];
        // The occasion of a manual entry: this request, or whatever repeats it under the same key.
        const requestId = key ? `key:${key}` : uuidv7();
        return enrollContacts(ctx, ws, req.params.id, req.body, requestId);
      },
    );

    app.get(
      '/workflows/:id/steps',
      {
        schema: {
          tags,
          summary: 'Per step of the live version (and of older versions still holding contacts): contacts there now and contacts who passed it',
          params: idParam,
          response: { 200: stepCounts, 404: errorResponse },
        },
      },
      async (req) => stepCountsOf(ctx, workspaceOf(req).workspaceId, req.params.id),
    );

    app.get(
      '/workflows/:id/enrollments',
      {
        schema: {
          tags,
          summary: 'The contacts in a workflow (at a step, on a version, in a state) in the order they entered, a page at a time',
          params: idParam,
          querystring: enrollmentsQuery,
          response: { 200: enrollmentPage, 400: errorResponse, 404: errorResponse },
        },
      },
      async (req) => enrollmentsOf(ctx, workspaceOf(req).workspaceId, req.params.id, req.query),
    );

    app.get(
      '/workflows/:id/report',
      {
        schema: {
          tags,
          summary: 'Lift: treated against holdout contacts, converted to the goal, with the interval and p-value, and revenue per contact after entering per currency, per version and overall',
          params: idParam,
          querystring: reportQuery,
          response: { 200: workflowReport, 400: errorResponse, 404: errorResponse },
        },
      },
      async (req) => liftReport(ctx, workspaceOf(req).workspaceId, req.params.id, req.query.version),
    );

    app.get(
      '/contacts/:id/workflows',
      {
        schema: {
          tags,
          summary: "A contact's runs through workflows, newest first: version, path, state, outcome, and their workflow events",
          params: idParam,
          response: { 200: journeys, 400: errorResponse, 404: errorResponse },
        },
      },
      async (req) => journeysOf(ctx, workspaceOf(req).workspaceId, req.params.id),
    );
  };
}
