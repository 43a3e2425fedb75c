import { Duration } from 'aws-cdk-lib'
import { Rule, Schedule } from 'aws-cdk-lib/aws-events'
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets'
import type { RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import type { RouteData } from '../../shared/config/route-data.js'
import { NodeFunction } from './node-function.js'

export type DueScheduleProps = {
  /** The routes compiled into its bundle (deliver's data: no senders). */
  readonly routes: Readonly<Record<string, RouteData>>
  readonly sourceMaps?: boolean
  readonly logRetention: RetentionDays
  /** The project root (lockfile, handlers, config file). */
  readonly projectRoot: string
}

/**
 * The due sweep: a small function (`functions/due/handler.ts`) that an EventBridge rule invokes
 * every minute, which lists the problems whose due time has come from the state table's due index
 * and queues a timer for each. It never calls Halo and holds no secret. A sweep that fails or is
 * missed is not retried: the next one a minute later lists the same problems, still first, so
 * nothing is lost. Its grants come from the table's and queue's `bindX(fn)`.
 */
export class DueSchedule extends Construct {
  readonly sweep: NodeFunction
  readonly rule: Rule

  constructor(scope: Construct, id: string, props: DueScheduleProps) {
    super(scope, id)
    this.sweep = new NodeFunction(this, 'Sweep', {
      function: 'due',
      routes: props.routes,
      sourceMaps: props.sourceMaps ?? false,
      serviceName: 'halo-hooks-due',
      // One index query and a few queue batches; it stops by itself well before the next minute.
      timeout: Duration.seconds(30),
      memorySize: 128,
      logRetention: props.logRetention,
      projectRoot: props.projectRoot,
    })
    this.rule = new Rule(this, 'Schedule', {
      description: 'halo-hooks: due sweep every minute (timers for deadlines that have come)',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [
        new LambdaTarget(this.sweep.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
      ],
    })
  }
}
