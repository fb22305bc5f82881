/**
 * pynomaly-monitoring: synthesizes the Pynomaly monitoring stack into
 * dist/<env>/ (plain YAML + Kustomization) and dist/helm/<env>/ (a Helm chart).
 * See lib/cli.ts for the arguments.
 */
import { main } from './lib/cli';

process.exitCode = main(process.argv.slice(2));
