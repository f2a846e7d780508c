import { z } from '../../domain/schemas/common';
import { AuditEntryView, AuditQuery } from '../../domain/schemas/versions';
import type { Db } from '../../src/db';
import { auditEntries } from '../../store/audit';
import type { Routes } from '../route';
import { visibleRound } from '../scope';

export function auditRoutes(routes: Routes, { db }: { db: Db }) {
  routes.add({
    method: 'get', path: '/audit', tags: ['Evaluation'], roles: ['office'],
    summary: 'Audit trail (corrections, extensions, waivers) of tasks and submissions of units in your subtree, by round and/or subject, oldest first',
    query: AuditQuery, response: z.array(AuditEntryView),
    handler: async ({ query, principal }) => {
      if (query.roundId) await visibleRound(db, principal, query.roundId);
      const rows = await auditEntries(db, { officePath: principal.office!.path, roundId: query.roundId, subject: query.subject, limit: query.limit, offset: query.offset });
      return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
    },
  });
}
