import type { Container } from '@azure/cosmos';
import type { FailedNoticeRow, IncidentRow, MeasureRow } from '../domain/digest';
import type { DigestRecords, OpenAppealRow, Page } from '../app/ports';
import type { Bounded } from './documents';
import { queryPage } from './pages';
import type { CosmosStore } from './cosmos';

/** A measure as projected: when it began to wait for sign-off is its request's time, else when it was proposed. */
type MeasureProjection = Omit<MeasureRow, 'waitingSince'> & { proposedAt: string; signOffAsked?: string };

/**
 * The weekly digest's reads across customers (docs/rules.md#R-digest-figures), page by page: each bounded by dates or
 * by being open, projected to the fields counted (never a name or a narrative), and served by a composite index in
 * infra/modules/cosmos.bicep. The embedded server has no GROUP BY or DISTINCT: the digest counts these rows itself
 * (src/domain/digest.ts).
 */
export class DigestStore implements DigestRecords {
  private readonly cases: Container;
  private readonly bounded: Bounded;

  constructor(db: CosmosStore) {
    this.cases = db.containers.cases;
    this.bounded = db.bounded;
  }

  async incidentsReported(from: string, to: string, limit: number, page: string | null): Promise<Page<IncidentRow>> {
    return queryPage<IncidentRow>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.category, c.serviceArea, c.reportedAt FROM c WHERE c.type = "incident" AND c.reportedAt >= @from AND c.reportedAt < @to ORDER BY c.reportedAt',
      { limit, from, to },
      page,
    );
  }

  async measures(
    status: 'pending-sign-off' | 'active' | 'lapsed',
    reviewFrom: string,
    limit: number,
    page: string | null,
  ): Promise<Page<MeasureRow>> {
    const { items, next } = await queryPage<MeasureProjection>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.id, c.kind, c.status, c.interim, c.serviceArea, c.reviewDue, c.proposedAt, c.signOff.requestedAt AS signOffAsked FROM c WHERE c.type = "measure" AND c.status = @status AND c.reviewDue >= @from ORDER BY c.reviewDue',
      { limit, status, from: reviewFrom },
      page,
    );
    return { items: items.map(({ proposedAt, signOffAsked, ...m }) => ({ ...m, waitingSince: signOffAsked ?? proposedAt })), next };
  }

  async openAppeals(limit: number, page: string | null): Promise<Page<OpenAppealRow>> {
    return queryPage<OpenAppealRow>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.measureId, c.customerKey, c.dueOn FROM c WHERE c.type = "appeal" AND c.status = "open" ORDER BY c.dueOn',
      { limit },
      page,
    );
  }

  async failedNotices(from: string, to: string, limit: number, page: string | null): Promise<Page<FailedNoticeRow>> {
    return queryPage<FailedNoticeRow>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.createdAt FROM c WHERE c.type = "outbox" AND c.status = "failed" AND c.createdAt >= @from AND c.createdAt < @to ORDER BY c.createdAt',
      { limit, from, to },
      page,
    );
  }
}
