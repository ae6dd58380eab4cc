import { Aws, Duration, Stack } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard as CwDashboard,
  GraphWidget,
  MathExpression,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { VehicleQueue } from './vehicle-queue.js';
import { METRICS_NAMESPACE, type WorkerFunction } from './worker-function.js';

/** Names of the handlers' Powertools metrics (namespace `FleetPdf`) that the dashboard shows. */
export const RunMetric = {
  /** Count: a vehicle's PDF stored (DONE). */
  DOWNLOADED: 'downloaded',
  /** Count: a vehicle FAILED (attempts used up, or a permanent error). */
  FAILED: 'failed',
  /** Count: an attempt that will be retried. */
  RETRIES: 'retries',
  /** Milliseconds: one vehicle, start to stored. */
  DURATION: 'duration',
} as const;

export interface DashboardProps {
  readonly queue: VehicleQueue;
  /** The stack's functions, shown with their errors and durations. */
  readonly functions: readonly WorkerFunction[];
  readonly downloader: WorkerFunction;
  /** Alarms shown in a status row. */
  readonly alarms?: readonly Alarm[];
  /**
   * Dashboard name.
   * @default `<stack name>-<region>` (dashboards are account-wide)
   */
  readonly dashboardName?: string;
}

/**
 * One CloudWatch dashboard for a run: vehicles downloaded / failed / retried and their
 * duration (Powertools EMF metrics of namespace `FleetPdf`), queue and DLQ depth, downloader
 * concurrency, and errors of every function.
 */
export class Dashboard extends Construct {
  readonly dashboard: CwDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    this.dashboard = new CwDashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-${Aws.REGION}`,
      defaultInterval: Duration.hours(3),
    });

    // SEARCH finds the metric whatever dimensions the handlers add (Powertools adds `service`).
    const runMetric = (name: string, statistic: string, label: string, reduce = 'SUM'): IMetric =>
      new MathExpression({
        expression: `${reduce}(SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${name}"', '${statistic}', ${period.toSeconds()}))`,
        label,
        period,
        usingMetrics: {},
      });

    const q = props.queue;
    const widgets = [
      new GraphWidget({
        title: 'Vehicles per minute',
        left: [
          runMetric(RunMetric.DOWNLOADED, 'Sum', 'downloaded'),
          runMetric(RunMetric.FAILED, 'Sum', 'failed'),
          runMetric(RunMetric.RETRIES, 'Sum', 'retries'),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Vehicle duration (ms)',
        left: [
          runMetric(RunMetric.DURATION, 'Average', 'average', 'AVG'),
          runMetric(RunMetric.DURATION, 'p90', 'p90', 'MAX'),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Queue depth',
        left: [
          q.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'waiting' }),
          q.queue.metricApproximateNumberOfMessagesNotVisible({ period, statistic: 'Maximum', label: 'in flight' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead-letter queue depth',
        left: [q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'DLQ' })],
        width: 8,
      }),
      new GraphWidget({
        title: 'Downloaders running',
        left: [
          props.downloader.function.metric('ConcurrentExecutions', { period, statistic: 'Maximum', label: 'concurrent' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda errors',
        left: props.functions.map((w) => w.function.metricErrors({ period, statistic: 'Sum', label: w.name })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda duration p90 (ms)',
        left: props.functions.map((w) => w.function.metricDuration({ period, statistic: 'p90', label: w.name })),
        width: 12,
      }),
    ];
    if (props.alarms && props.alarms.length > 0) {
      this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24 }));
    }
    this.dashboard.addWidgets(...widgets);
  }

  get dashboardName(): string {
    return this.dashboard.dashboardName;
  }
}
