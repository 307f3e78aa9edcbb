//! RON scenarios: schema, loader with line/column errors, runner and reports.
//! Arrives with the scenarios issue (#7).
