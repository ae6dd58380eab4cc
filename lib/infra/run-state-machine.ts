import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { WorkerFunction } from './worker-function.js';

/** The state names, in definition order (the offline run and the console show these). */
export const RunStateName = {
  LOGIN: 'Login',
  ENQUEUE: 'Enqueue',
  WAIT: 'Wait',
  PROGRESS: 'Progress',
  FINISHED: 'Finished?',
  COOLDOWN: 'Cooldown',
  RESUME: 'Resume',
  RESUMED: 'Resumed?',
  REPORT: 'Report',
  GAVE_UP: 'Gave up?',
  DONE: 'Done',
  PAUSED: 'Paused',
  FAILED: 'Failed',
} as const;

/** Errors a Task retries: Lambda's transient service errors and the handlers' `TransientError`. */
export const RETRIED_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientError',
] as const;

export interface RunStateMachineProps {
  readonly login: WorkerFunction;
  readonly enqueue: WorkerFunction;
  readonly progress: WorkerFunction;
  readonly report: WorkerFunction;
  /** Seconds between two progress polls (the pollIntervalSecs setting). */
  readonly pollIntervalSecs: number;
  /** Seconds a paused run (circuit breaker open) waits before each resume probe (the pauseSecs setting). */
  readonly pauseSecs: number;
  /**
   * Longest a run may take, in hours.
   * @default 24
   */
  readonly timeoutHours?: number;
  /**
   * How long execution logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The run button (Standard workflow). Input `{}` (new run, whole inventory) or
 * `{runId, refs, limit}`; every Task gets the whole state and returns the whole new state
 * (`payloadResponseOnly`, see `RunState` in lib/cloud/contracts.ts):
 *
 *   Login -> Enqueue -> Wait -> Progress -> Finished? -(done or stalled)-> Report -> Gave up? -> Done
 *                        ^  ^                   |  |                                   |
 *                        |  +-----(otherwise)---+  +-(paused)-> Cooldown -> Resume      +-(yes)-> Paused
 *                        |                                         ^           |
 *                        +-----------------(resumed)---------------|-----------+
 *                                                                  +-(not yet)-+-(gave up)-> Report
 *
 * Login and Enqueue failures end in `Failed`. While the circuit breaker is open the
 * downloads are switched off; Resume (the Login function, a login as the probe) switches
 * them on again, or gives up and the execution fails as `Paused` with `paused: <reason>`. Plain JSONPath ASL (no JSONata, no variables,
 * no Distributed Map) so aws-local-stepfunctions can run the very same definition offline.
 */
export class RunStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);

    const task = (name: string, worker: WorkerFunction): LambdaInvoke => {
      const invoke = new LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: worker.function,
        // The Task's Resource is the function ARN; the Lambda gets the whole state as its
        // event and its result is the whole new state.
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
      });
      invoke.addRetry({ errors: [...RETRIED_ERRORS], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });
      return invoke;
    };

    const failed = new Fail(this, RunStateName.FAILED, {
      stateName: RunStateName.FAILED,
      errorPath: '$.Error',
      causePath: '$.Cause',
    });
    const login = task(RunStateName.LOGIN, props.login).addCatch(failed, { errors: ['States.ALL'] });
    const enqueue = task(RunStateName.ENQUEUE, props.enqueue).addCatch(failed, { errors: ['States.ALL'] });
    const wait = new Wait(this, RunStateName.WAIT, {
      stateName: RunStateName.WAIT,
      time: WaitTime.duration(Duration.seconds(props.pollIntervalSecs)),
    });
    const progress = task(RunStateName.PROGRESS, props.progress);
    const report = task(RunStateName.REPORT, props.report);
    const done = new Succeed(this, RunStateName.DONE, { stateName: RunStateName.DONE });
    const paused = new Fail(this, RunStateName.PAUSED, {
      stateName: RunStateName.PAUSED,
      error: 'Paused',
      causePath: '$.pause.cause',
    });
    // A Choice on a path that is not there is a runtime error: test presence first.
    const flag = (path: string) => Condition.and(Condition.isPresent(path), Condition.booleanEquals(path, true));
    const reportThenEnd = report.next(
      new Choice(this, RunStateName.GAVE_UP, { stateName: RunStateName.GAVE_UP }).when(flag('$.pause.gaveUp'), paused).otherwise(done),
    );
    const cooldown = new Wait(this, RunStateName.COOLDOWN, {
      stateName: RunStateName.COOLDOWN,
      time: WaitTime.duration(Duration.seconds(props.pauseSecs)),
    });
    const resume = task(RunStateName.RESUME, props.login).addCatch(failed, { errors: ['States.ALL'] });
    cooldown.next(resume).next(
      new Choice(this, RunStateName.RESUMED, { stateName: RunStateName.RESUMED })
        .when(flag('$.pause.resumed'), wait)
        .when(flag('$.pause.gaveUp'), reportThenEnd)
        .otherwise(cooldown),
    );
    const finished = new Choice(this, RunStateName.FINISHED, { stateName: RunStateName.FINISHED })
      .when(Condition.isPresent('$.progress.paused'), cooldown)
      .when(Condition.or(Condition.booleanEquals('$.progress.done', true), Condition.booleanEquals('$.progress.stalled', true)), reportThenEnd)
      .otherwise(wait);

    const definition = login.next(enqueue).next(wait).next(progress).next(finished);

    this.logGroup = new LogGroup(this, 'Logs', {
      // The vendedlogs prefix keeps CloudWatch Logs' resource policy small (AWS recommends it).
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-run`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(props.timeoutHours ?? 24),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
      comment: 'fleetpdf run: Login -> Enqueue -> (Wait -> Progress, paused: Cooldown -> Resume)* -> Report',
    });
  }

  get stateMachineArn(): string {
    return this.stateMachine.stateMachineArn;
  }
}
