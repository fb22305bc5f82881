import { StackContext } from '../core/context';

export function renderGrafana(ctx: StackContext): void {
  if (!ctx.values.grafana.enabled) return;
}
