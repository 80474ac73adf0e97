/**
 * The residence-certificate review as BPMN 2.0, for the bpmn-engine comparison: one user task per
 * state that waits for a person (draft → submitted → under review), then an exclusive gateway on the
 * reviewer's decision. Three signals take an instance from start to end, as SUBMIT, START_REVIEW and
 * ACCEPT take an application through the portal's engine.
 */
import { EventEmitter } from 'node:events';

export const REVIEW_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="residence-certificate-v1">
  <process id="residenceCertificate" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="toDraft" sourceRef="start" targetRef="draft" />
    <userTask id="draft" name="Draft (applicant submits)" />
    <sequenceFlow id="toSubmitted" sourceRef="draft" targetRef="submitted" />
    <userTask id="submitted" name="Submitted (reviewer starts the review)" />
    <sequenceFlow id="toReview" sourceRef="submitted" targetRef="review" />
    <userTask id="review" name="Under review (reviewer decides)" />
    <sequenceFlow id="toDecision" sourceRef="review" targetRef="decision" />
    <exclusiveGateway id="decision" default="toRejected" />
    <sequenceFlow id="toAccepted" sourceRef="decision" targetRef="accepted">
      <conditionExpression xsi:type="tFormalExpression">\${environment.output.accepted}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="toRejected" sourceRef="decision" targetRef="rejected" />
    <endEvent id="accepted" />
    <endEvent id="rejected" />
  </process>
</definitions>`;

/** Which user task each portal event signals. */
export const TASK_OF_EVENT: Record<string, string> = {
  SUBMIT: 'draft',
  START_REVIEW: 'submitted',
  ACCEPT: 'review',
};

interface EndedActivity {
  id: string;
  content: { output?: unknown };
  environment: { output: Record<string, unknown> };
}

/**
 * The documented bpmn-engine way to carry a user task's answer to the gateway: copy the signal's
 * payload into the process output when the task ends, where the flow condition reads it.
 */
export function decisionListener(): EventEmitter {
  const listener = new EventEmitter();
  listener.on('activity.end', (api: EndedActivity) => {
    if (api.id !== 'review') return;
    const output = api.content.output as { decision?: string } | undefined;
    api.environment.output.accepted = output?.decision === 'accept';
  });
  return listener;
}
