/**
 * One encounter file's table (the files overlap and are never added to each other, so each has its own).
 * `component` is USBP or OFO; `area`/`area_type` are null where the file names no sector or field office.
 */
function encountersTable(name: string): string {
  return `CREATE TABLE ${name} (
    fiscal_year INTEGER NOT NULL, month VARCHAR NOT NULL, region VARCHAR NOT NULL, area VARCHAR, area_type VARCHAR,
    component VARCHAR NOT NULL, demographic VARCHAR NOT NULL, citizenship VARCHAR NOT NULL, title VARCHAR NOT NULL,
    count BIGINT NOT NULL)`;
}

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
  encounters_aor: encountersTable("encounters_aor"),
  encounters_swb: encountersTable("encounters_swb"),
  encounters_sector_ohss: encountersTable("encounters_sector_ohss"),
  encounters_sector_cbp: encountersTable("encounters_sector_cbp"),
  port_areas: `CREATE TABLE port_areas (
    port_code VARCHAR NOT NULL, port_name VARCHAR NOT NULL, border VARCHAR NOT NULL,
    field_office VARCHAR NOT NULL, field_office_verification VARCHAR NOT NULL, field_office_source VARCHAR NOT NULL,
    field_office_url VARCHAR, field_office_quote VARCHAR NOT NULL,
    sector VARCHAR NOT NULL, sector_verification VARCHAR NOT NULL, sector_source VARCHAR NOT NULL,
    sector_url VARCHAR, sector_quote VARCHAR NOT NULL, note VARCHAR)`,
  // The scenario model's reference tables (data/model/*.csv, src/sources/model-tables.ts). Lists are kept
  // as `;`-separated text, as in the CSV files.
  anomalous_periods: `CREATE TABLE anomalous_periods (
    id VARCHAR NOT NULL, from_month VARCHAR NOT NULL, to_month VARCHAR NOT NULL, border VARCHAR NOT NULL,
    modes VARCHAR NOT NULL, reason VARCHAR NOT NULL, source_urls VARCHAR NOT NULL, source_dates VARCHAR,
    verification VARCHAR NOT NULL)`,
  rail_corridors: `CREATE TABLE rail_corridors (
    port_code VARCHAR NOT NULL, crossing VARCHAR NOT NULL, us_railroads VARCHAR NOT NULL,
    foreign_railroads VARCHAR NOT NULL, inbound_trains_per_day_max DOUBLE, valid_from VARCHAR, valid_to VARCHAR,
    capacity_basis VARCHAR, source_urls VARCHAR NOT NULL, source_dates VARCHAR, verification VARCHAR NOT NULL)`,
  port_hours: `CREATE TABLE port_hours (
    port_code VARCHAR NOT NULL, crossing VARCHAR NOT NULL, open_from INTEGER NOT NULL, open_to INTEGER NOT NULL,
    lanes INTEGER NOT NULL, lanes_assumed BOOLEAN NOT NULL, note VARCHAR, source_urls VARCHAR NOT NULL,
    source_dates VARCHAR, verification VARCHAR NOT NULL)`,
  traffic_profiles: `CREATE TABLE traffic_profiles (
    mode VARCHAR NOT NULL, kind VARCHAR NOT NULL, "index" INTEGER NOT NULL, weight DOUBLE NOT NULL,
    basis VARCHAR NOT NULL, source_urls VARCHAR NOT NULL, source_dates VARCHAR, verification VARCHAR NOT NULL)`,
  // Derived by the snapshot build: lanes and hours from CBP's wait-time feed; each port's IANA zone.
  port_lanes: `CREATE TABLE port_lanes (
    port_code VARCHAR NOT NULL, crossing VARCHAR NOT NULL, bwt_port_number VARCHAR NOT NULL,
    commercial_lanes INTEGER NOT NULL, vehicle_lanes INTEGER NOT NULL, pedestrian_lanes INTEGER NOT NULL,
    hours VARCHAR NOT NULL, open_from INTEGER NOT NULL, open_to INTEGER NOT NULL, source VARCHAR NOT NULL,
    captured VARCHAR NOT NULL, verification VARCHAR NOT NULL)`,
  port_zones: `CREATE TABLE port_zones (
    port_code VARCHAR NOT NULL, time_zone VARCHAR NOT NULL, basis VARCHAR NOT NULL, source_url VARCHAR NOT NULL,
    verification VARCHAR NOT NULL)`,
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
