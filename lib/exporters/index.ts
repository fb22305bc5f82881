/** The exporters we deploy, one registry entry each. */
export { nodeExporterComponent, NodeExporter, NODE_EXPORTER } from './node';
export { redisExporterComponent, RedisExporter, REDIS_EXPORTER } from './redis';
export { postgresExporterComponent, PostgresExporter, POSTGRES_EXPORTER } from './postgres';
export { elasticsearchExporterComponent, ElasticsearchExporter, ELASTICSEARCH_EXPORTER } from './elasticsearch';
export { blackboxExporterComponent, BlackboxExporter, BLACKBOX_EXPORTER } from './blackbox';
