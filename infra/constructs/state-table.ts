import { RemovalPolicy } from 'aws-cdk-lib'
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb'
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda'
import { Construct } from 'constructs'
import { AWS_ENV } from '../../shared/aws-env.js'

/**
 * Deliver's state: correlation records (`corr#route#key`), the shared Halo rate budget
 * (`budget#halo`) and the delivery history (`hist#<envelopeId>`, each envelope's latest outcome,
 * kept 14 days) in one on-demand table with TTL (`expiresAt`), point-in-time recovery and
 * deletion protection, retained when the stack is deleted.
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
    })
  }

  /** Reads of single items only: ingest's dry run shows the stored state, never changes it. */
  bindReader(fn: LambdaFunction): void {
    this.table.grant(fn, 'dynamodb:GetItem')
    fn.addEnvironment(AWS_ENV.tableName, this.table.tableName)
  }

  /** Reads and conditional writes of items, nothing else (no scans of other tables, no admin). */
  bindReadWrite(fn: LambdaFunction): void {
    this.table.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem')
    fn.addEnvironment(AWS_ENV.tableName, this.table.tableName)
  }
}
