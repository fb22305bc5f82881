import { StackContext } from '../core/context';

export function renderAlertmanager(ctx: StackContext): void {
  if (!ctx.values.alertmanager.enabled) return;
}
