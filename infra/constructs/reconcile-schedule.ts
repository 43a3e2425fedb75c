import { Duration } from 'aws-cdk-lib'
import { Rule, Schedule } from 'aws-cdk-lib/aws-events'
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets'
import type { RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { NodeFunction } from './node-function.js'

export type ReconcileScheduleProps = {
  /** Minutes between sweeps (the config file's `reconcile.everyMinutes`). */
  readonly everyMinutes: number
  readonly logRetention: RetentionDays
  /** The project root (lockfile, handlers, config file). */
  readonly projectRoot: string
}

/**
 * The reconcile sweep: a small function (`functions/sweep/handler.ts`) that an EventBridge rule
 * invokes every `everyMinutes`. A sweep that fails or is missed is not retried: the next one
 * starts from the least recently checked tickets, so nothing is lost, and a late retry would
 * only overlap it. Its grants come from the table, queue and secret's `bindX(fn)`.
 */
export class ReconcileSchedule extends Construct {
  readonly sweep: NodeFunction
  readonly rule: Rule

  constructor(scope: Construct, id: string, props: ReconcileScheduleProps) {
    super(scope, id)
    this.sweep = new NodeFunction(this, 'Sweep', {
      entry: 'functions/sweep/handler.ts',
      serviceName: 'halo-hooks-sweep',
      // It stops by itself before this, and well before the next sweep is due.
      timeout: Duration.seconds(Math.min(120, props.everyMinutes * 30)),
      memorySize: 256,
      logRetention: props.logRetention,
      projectRoot: props.projectRoot,
    })
    this.rule = new Rule(this, 'Schedule', {
      description: `halo-hooks: reconcile sweep every ${props.everyMinutes} min`,
      schedule: Schedule.rate(Duration.minutes(props.everyMinutes)),
      targets: [
        new LambdaTarget(this.sweep.fn, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(Math.max(1, props.everyMinutes)),
        }),
      ],
    })
  }
}
