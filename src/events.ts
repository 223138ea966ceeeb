/** The events the action reads as incidents of their own; any other run is a rollback job, or a deploy. */

/** The object each such event's payload carries; without it the event cannot be read. */
export const EVENT_OBJECTS: Record<string, readonly ('workflow_run' | 'deployment_status' | 'deployment' | 'issue' | 'pull_request')[]> = {
  workflow_run: ['workflow_run'],
  deployment_status: ['deployment_status', 'deployment'],
  issues: ['issue'],
  pull_request: ['pull_request'],
  pull_request_target: ['pull_request']
}

/** Whether the event is one the action reads as an incident of its own. */
export const isIncidentEvent = (eventName: string): boolean => Object.hasOwn(EVENT_OBJECTS, eventName)
