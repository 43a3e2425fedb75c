import { RemovalPolicy } from 'aws-cdk-lib'
import { AttributeType, Billing, ProjectionType, TableV2 } from 'aws-cdk-lib/aws-dynamodb'
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam'
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda'
import { Construct } from 'constructs'
import { AWS_ENV } from '../../shared/aws-env.js'
import {
  DUE_INDEX,
  OPEN_TICKETS_INDEX,
  TICKET_INDEX,
} from '../../shared/lifecycle/dynamodb-correlation-store.js'

/**
 * Deliver's state: correlation records (`corr#route#key`), the shared Halo rate budget
 * (`budget#halo`) and the delivery history (`hist#<envelopeId>`, each envelope's latest outcome,
 * kept 14 days) in one on-demand table with TTL (`expiresAt`), point-in-time recovery and
 * deletion protection, retained when the stack is deleted. A sparse index of open tickets
 * (`OpenTickets`: only records whose ticket is open carry its keys; route, key and ticket id
 * projected) is the reconcile sweep's work list; a KEYS_ONLY index on the records' `ticketId`
 * (`TicketIds`) finds the problem a Halo ticket event is about. A sparse index of due problems
 * (`DueProblems`: only records holding a deadline carry its keys; route and key projected) is the
 * due sweep's work list.
 */
export class StateTable extends Construct {
  readonly table: TableV2

  constructor(scope: Construct, id: string) {
    super(scope, id)
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Correlation state prevents duplicate tickets: neither a stray DeleteTable nor a deleted
      // stack may take it. Turn protection off in the console first to delete it on purpose.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: OPEN_TICKETS_INDEX.name,
          partitionKey: { name: OPEN_TICKETS_INDEX.partitionKey, type: AttributeType.STRING },
          sortKey: { name: OPEN_TICKETS_INDEX.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...OPEN_TICKETS_INDEX.projected],
        },
        {
          indexName: TICKET_INDEX.name,
          partitionKey: { name: TICKET_INDEX.partitionKey, type: AttributeType.NUMBER },
          projectionType: ProjectionType.KEYS_ONLY,
        },
        {
          indexName: DUE_INDEX.name,
          partitionKey: { name: DUE_INDEX.partitionKey, type: AttributeType.STRING },
          sortKey: { name: DUE_INDEX.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...DUE_INDEX.projected],
        },
      ],
    })
  }

  /**
   * The reconcile sweep: queries the open-ticket index (nothing else of the table is readable
   * through it), and reads and writes the Halo rate budget's items (`budget#…`) only.
   */
  bindSweeper(fn: LambdaFunction): void {
    this.grantQuery(fn, OPEN_TICKETS_INDEX.name)
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['budget#*'] } },
      }),
    )
    fn.addEnvironment(AWS_ENV.tableName, this.table.tableName)
  }

  /**
   * The due sweep: queries the due index, nothing else of the table (it reads no record and
   * writes nothing; deliver decides on each timer).
   */
  bindDueSweeper(fn: LambdaFunction): void {
    this.grantQuery(fn, DUE_INDEX.name)
    fn.addEnvironment(AWS_ENV.tableName, this.table.tableName)
  }

  /**
   * Reads only: single items (ingest's dry run shows the stored state) and queries of the
   * ticket-id index (ingest ignores a Halo ticket event whose ticket no problem owns); never a
   * write, a scan or another index.
   */
  bindReader(fn: LambdaFunction): void {
    this.grantItems(fn, 'dynamodb:GetItem')
    this.grantQuery(fn, TICKET_INDEX.name)
    fn.addEnvironment(AWS_ENV.tableName, this.table.tableName)
  }

  /**
   * Reads and conditional writes of items, and queries of the ticket-id index (a Halo ticket
   * event finds its problem); nothing else (no scans, no other index, no admin).
   */
  bindReadWrite(fn: LambdaFunction): void {
    this.grantItems(fn, 'dynamodb:GetItem', 'dynamodb:PutItem')
    this.grantQuery(fn, TICKET_INDEX.name)
    fn.addEnvironment(AWS_ENV.tableName, this.table.tableName)
  }

  /**
   * Queries of one index. Not `table.grant`, which would add every index too (`/index/*`): only
   * the sweeps query the open-ticket and due indexes.
   */
  private grantQuery(fn: LambdaFunction, indexName: string): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${indexName}`],
      }),
    )
  }

  private grantItems(fn: LambdaFunction, ...actions: string[]): void {
    fn.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [this.table.tableArn] }),
    )
  }
}
