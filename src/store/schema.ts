/** The tables of a borderflow store, in load order. Parquet files in the snapshot carry the same names. */
export const TABLES = {
  ports: `CREATE TABLE ports (
    port_code VARCHAR NOT NULL, port_name VARCHAR NOT NULL, state VARCHAR NOT NULL, border VARCHAR NOT NULL,
    latitude DOUBLE, longitude DOUBLE, crossing_modes VARCHAR[], trade_modes VARCHAR[],
    first_month VARCHAR, last_month VARCHAR)`,
  crossings: `CREATE TABLE crossings (
    port_code VARCHAR NOT NULL, month VARCHAR NOT NULL, measure VARCHAR NOT NULL, value BIGINT NOT NULL)`,
  trade: `CREATE TABLE trade (
    port_code VARCHAR NOT NULL, mode VARCHAR NOT NULL, direction VARCHAR NOT NULL, country VARCHAR NOT NULL,
    month VARCHAR NOT NULL, value_usd BIGINT NOT NULL, weight_kg BIGINT, freight_usd BIGINT)`,
  trade_hs2: `CREATE TABLE trade_hs2 (
    port_code VARCHAR NOT NULL, hs2 VARCHAR NOT NULL, mode VARCHAR NOT NULL, direction VARCHAR NOT NULL,
    country VARCHAR NOT NULL, month VARCHAR NOT NULL, value_usd BIGINT NOT NULL, weight_kg BIGINT, freight_usd BIGINT)`,
  trade_national: `CREATE TABLE trade_national (
    mode VARCHAR NOT NULL, direction VARCHAR NOT NULL, country VARCHAR NOT NULL, month VARCHAR NOT NULL,
    value_usd BIGINT NOT NULL, weight_kg BIGINT)`,
  hs2_codes: `CREATE TABLE hs2_codes (hs2 VARCHAR NOT NULL, description VARCHAR, short_name VARCHAR, hs2_group VARCHAR)`,
  trade_mode_codes: `CREATE TABLE trade_mode_codes (code VARCHAR NOT NULL, mode VARCHAR NOT NULL, description VARCHAR)`,
  trade_ports: `CREATE TABLE trade_ports (
    port_code VARCHAR NOT NULL, port_name VARCHAR, district_code VARCHAR, district_name VARCHAR,
    in_bts_code_list BOOLEAN, schedule_d_name VARCHAR, schedule_d_state VARCHAR)`,
  port_identity: `CREATE TABLE port_identity (
    port_code VARCHAR NOT NULL, name VARCHAR, in_crossings BOOLEAN, in_trade BOOLEAN, note VARCHAR)`,
} as const;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** Store-only tables (not in the snapshot): metadata and the ingest log. */
export const STORE_TABLES = {
  meta: `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  ingest_log: `CREATE TABLE IF NOT EXISTS ingest_log (
    ingested_at TIMESTAMP, source VARCHAR, origin VARCHAR, months VARCHAR, inserted INTEGER, changed INTEGER,
    removed INTEGER, unchanged INTEGER)`,
} as const;
