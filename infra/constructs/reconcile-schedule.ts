import { Duration } from 'aws-cdk-lib'
import { Rule, Schedule } from 'aws-cdk-lib/aws-events'
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets'
import type { RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { AWS_ENV } from '../../shared/aws-env.js'
import type { Reconcile } from '../../shared/config/reconcile-config.js'
import type { RouteData } from '../../shared/config/route-data.js'
import { NodeFunction } from './node-function.js'

export type ReconcileScheduleProps = {
  /** The config file's `reconcile`, checked at synth. */
  readonly reconcile: Reconcile
  /** The routes compiled into its bundle (deliver's data: no senders). */
  readonly routes: Readonly<Record<string, RouteData>>
  readonly sourceMaps?: boolean
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
    const { everyMinutes } = props.reconcile
    this.sweep = new NodeFunction(this, 'Sweep', {
      function: 'sweep',
      routes: props.routes,
      sourceMaps: props.sourceMaps ?? false,
      serviceName: 'halo-hooks-sweep',
      // It stops by itself before this, and well before the next sweep is due.
      timeout: Duration.seconds(Math.min(120, everyMinutes * 30)),
      memorySize: 256,
      logRetention: props.logRetention,
      projectRoot: props.projectRoot,
    })
    this.sweep.fn.addEnvironment(
      AWS_ENV.reconcileMaxTickets,
      String(props.reconcile.maxTicketsPerSweep),
    )
    this.sweep.fn.addEnvironment(
      AWS_ENV.reconcileMaxBudgetShare,
      String(props.reconcile.maxBudgetShare),
    )
    this.rule = new Rule(this, 'Schedule', {
      description: `halo-hooks: reconcile sweep every ${everyMinutes} min`,
      schedule: Schedule.rate(Duration.minutes(everyMinutes)),
      targets: [
        new LambdaTarget(this.sweep.fn, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(Math.max(1, everyMinutes)),
        }),
      ],
    })
  }
}
