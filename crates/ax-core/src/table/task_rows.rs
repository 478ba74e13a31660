//! Reading task rows into [`TaskColumns`]: the `serde_json` visitors (with every alias
//! of every field) and the direct [`Scanner`] path. Both fill the same builders; the
//! property tests in `table_props/tasks.rs` hold them to the same result.

use super::*;

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum TaskField {
    Id,
    Name,
    #[serde(alias = "taskType", alias = "task_type")]
    Type,
    #[serde(alias = "projectId")]
    ProjectId,
    #[serde(alias = "datasetId")]
    DatasetId,
    #[serde(alias = "samplingRate")]
    SamplingRate,
    #[serde(alias = "isContinuous")]
    IsContinuous,
    #[serde(alias = "queryFilter")]
    QueryFilter,
    Evaluators,
    #[serde(alias = "experimentIds")]
    ExperimentIds,
    #[serde(alias = "runConfiguration")]
    RunConfiguration,
    #[serde(alias = "lastRunAt")]
    LastRunAt,
    #[serde(alias = "createdAt")]
    CreatedAt,
    #[serde(alias = "updatedAt")]
    UpdatedAt,
    #[serde(alias = "createdByUserId")]
    CreatedByUserId,
    #[serde(alias = "queryFilters")]
    QueryFilters,
    #[serde(other)]
    Other,
}

impl RowSink for TaskColumns {
    fn append_row<'de, D: Deserializer<'de>>(
        &mut self,
        de: D,
        src: Src<'de>,
    ) -> Result<(), D::Error> {
        de.deserialize_map(TaskRowVisitor(self, src))
    }
}

struct TaskRowVisitor<'a, 'de>(&'a mut TaskColumns, Src<'de>);

impl<'de> Visitor<'de> for TaskRowVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a task object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (c, src) = (self.0, self.1);
        let mut seen = Seen::default();
        while let Some(field) = next_field::<_, TaskField>(&mut map, src)? {
            match field {
                TaskField::Id => {
                    seen.mark(ID, "id")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.id, false, src))?;
                }
                TaskField::Name => {
                    seen.mark(NAME, "name")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.name, false, src))?;
                }
                TaskField::Type => {
                    seen.mark(TYPE, "type")?;
                    map.next_value_seed(EnumCell {
                        builder: &mut c.task_type,
                        normalize: normalize_task_type,
                        src,
                    })?;
                }
                TaskField::ProjectId => {
                    seen.mark(PROJECT_ID, "project_id")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.project_id, true, src))?;
                }
                TaskField::DatasetId => {
                    seen.mark(DATASET_ID, "dataset_id")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.dataset_id, true, src))?;
                }
                TaskField::SamplingRate => {
                    seen.mark(SAMPLING_RATE, "sampling_rate")?;
                    c.sampling_rate
                        .append_option(map.next_value::<Option<f64>>()?);
                }
                TaskField::IsContinuous => {
                    seen.mark(IS_CONTINUOUS, "is_continuous")?;
                    let v = map.next_value::<Option<bool>>()?;
                    c.is_continuous.append_value(v.unwrap_or(false));
                }
                TaskField::QueryFilter => {
                    seen.mark(QUERY_FILTER, "query_filter")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.query_filter, true, src))?;
                }
                TaskField::Evaluators => {
                    seen.mark(EVALUATORS, "evaluators")?;
                    map.next_value_seed(EvaluatorsCell(&mut c.evaluators, src))?;
                    c.evaluators.close_row().map_err(de::Error::custom)?;
                }
                TaskField::ExperimentIds => {
                    seen.mark(EXPERIMENT_IDS, "experiment_ids")?;
                    map.next_value_seed(StringListCell {
                        builder: &mut c.experiment_ids,
                        src,
                        null_is_null: false,
                    })?;
                }
                TaskField::RunConfiguration => {
                    seen.mark(RUN_CONFIGURATION, "run_configuration")?;
                    map.next_value_seed(JsonTextCell {
                        builder: &mut c.run_configuration,
                    })?;
                }
                TaskField::LastRunAt => {
                    seen.mark(LAST_RUN_AT, "last_run_at")?;
                    map.next_value_seed(TimestampCell::new(&mut c.last_run_at, true, src))?;
                }
                TaskField::CreatedAt => {
                    seen.mark(CREATED_AT, "created_at")?;
                    map.next_value_seed(TimestampCell::new(&mut c.created_at, false, src))?;
                }
                TaskField::UpdatedAt => {
                    seen.mark(UPDATED_AT, "updated_at")?;
                    map.next_value_seed(TimestampCell::new(&mut c.updated_at, false, src))?;
                }
                TaskField::CreatedByUserId => {
                    seen.mark(CREATED_BY, "created_by_user_id")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.created_by_user_id, true, src))?;
                }
                TaskField::QueryFilters => {
                    seen.mark(QUERY_FILTERS, "query_filters")?;
                    map.next_value_seed(JsonTextCell {
                        builder: &mut c.query_filters,
                    })?;
                }
                TaskField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(name) = seen.first_missing(&REQUIRED) {
            return Err(de::Error::missing_field(name));
        }
        c.complete_row(&seen).map_err(de::Error::custom)
    }
}

/// The `evaluators` array of one task (`null` → no items).
struct EvaluatorsCell<'a, 'de>(&'a mut EvaluatorColumns, Src<'de>);

impl<'de> DeserializeSeed<'de> for EvaluatorsCell<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EvaluatorsCell<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of evaluators")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(EvaluatorRow(&mut *self.0, self.1))?
            .is_some()
        {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum EvaluatorField {
    #[serde(alias = "evaluatorId")]
    EvaluatorId,
    #[serde(alias = "evaluatorName")]
    EvaluatorName,
    #[serde(alias = "queryFilter")]
    QueryFilter,
    #[serde(alias = "columnMappings")]
    ColumnMappings,
    #[serde(alias = "evaluatorVersionId")]
    EvaluatorVersionId,
    #[serde(alias = "queryMappings")]
    QueryMappings,
    #[serde(other)]
    Other,
}

struct EvaluatorRow<'a, 'de>(&'a mut EvaluatorColumns, Src<'de>);

impl<'de> DeserializeSeed<'de> for EvaluatorRow<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EvaluatorRow<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an evaluator object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (c, src) = (self.0, self.1);
        let mut seen = Seen::default();
        while let Some(field) = next_field::<_, EvaluatorField>(&mut map, src)? {
            match field {
                EvaluatorField::EvaluatorId => {
                    seen.mark(0, "evaluator_id")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.id, false, src))?;
                }
                EvaluatorField::EvaluatorName => {
                    seen.mark(1, "evaluator_name")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.name, true, src))?;
                }
                EvaluatorField::QueryFilter => {
                    seen.mark(2, "query_filter")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.query_filter, true, src))?;
                }
                EvaluatorField::ColumnMappings => {
                    seen.mark(3, "column_mappings")?;
                    map.next_value_seed(StringMapCell {
                        builder: &mut c.column_mappings,
                        src,
                    })?;
                }
                EvaluatorField::EvaluatorVersionId => {
                    seen.mark(4, "evaluator_version_id")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.version_id, true, src))?;
                }
                EvaluatorField::QueryMappings => {
                    seen.mark(5, "query_mappings")?;
                    map.next_value_seed(JsonTextCell {
                        builder: &mut c.query_mappings,
                    })?;
                }
                EvaluatorField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(name) = seen.first_missing(&[(0, "evaluator_id")]) {
            return Err(de::Error::missing_field(name));
        }
        c.complete_item(&seen).map_err(de::Error::custom)
    }
}

/// Field number of a key of [`scan_task`] (snake_case or camelCase).
fn task_field(key: &[u8]) -> Option<usize> {
    Some(match key {
        b"id" => ID,
        b"name" => NAME,
        b"type" | b"taskType" | b"task_type" => TYPE,
        b"project_id" | b"projectId" => PROJECT_ID,
        b"dataset_id" | b"datasetId" => DATASET_ID,
        b"sampling_rate" | b"samplingRate" => SAMPLING_RATE,
        b"is_continuous" | b"isContinuous" => IS_CONTINUOUS,
        b"query_filter" | b"queryFilter" => QUERY_FILTER,
        b"evaluators" => EVALUATORS,
        b"experiment_ids" | b"experimentIds" => EXPERIMENT_IDS,
        b"run_configuration" | b"runConfiguration" => RUN_CONFIGURATION,
        b"last_run_at" | b"lastRunAt" => LAST_RUN_AT,
        b"created_at" | b"createdAt" => CREATED_AT,
        b"updated_at" | b"updatedAt" => UPDATED_AT,
        b"created_by_user_id" | b"createdByUserId" => CREATED_BY,
        b"query_filters" | b"queryFilters" => QUERY_FILTERS,
        _ => return None,
    })
}

/// The keys of [`scan_task`] in the order the API writes them.
const TASK_ORDER: [(&[u8], usize); 16] = [
    (b"\"id\":", ID),
    (b"\"name\":", NAME),
    (b"\"type\":", TYPE),
    (b"\"project_id\":", PROJECT_ID),
    (b"\"dataset_id\":", DATASET_ID),
    (b"\"sampling_rate\":", SAMPLING_RATE),
    (b"\"is_continuous\":", IS_CONTINUOUS),
    (b"\"query_filter\":", QUERY_FILTER),
    (b"\"evaluators\":", EVALUATORS),
    (b"\"experiment_ids\":", EXPERIMENT_IDS),
    (b"\"run_configuration\":", RUN_CONFIGURATION),
    (b"\"last_run_at\":", LAST_RUN_AT),
    (b"\"created_at\":", CREATED_AT),
    (b"\"updated_at\":", UPDATED_AT),
    (b"\"created_by_user_id\":", CREATED_BY),
    (b"\"query_filters\":", QUERY_FILTERS),
];

/// One task object on the direct path ([`scan`]); same columns as [`TaskRowVisitor`].
pub(super) fn scan_task(s: &mut Scanner<'_>, c: &mut TaskColumns) -> Scan<()> {
    let seen = s.row(&TASK_ORDER, task_field, &REQUIRED, |s, field| {
        match field {
            ID => c.id.append_value(s.string()?),
            NAME => c.name.append_value(s.string()?),
            TYPE => {
                let v = s.string()?;
                c.task_type
                    .append_value(normalize_task_type(v).unwrap_or(v));
            }
            PROJECT_ID => c.project_id.append_option(s.opt_string()?),
            DATASET_ID => c.dataset_id.append_option(s.opt_string()?),
            SAMPLING_RATE => c.sampling_rate.append_option(s.opt_number::<f64>()?),
            IS_CONTINUOUS => c.is_continuous.append_value(s.opt_bool()?.unwrap_or(false)),
            QUERY_FILTER => c.query_filter.append_option(s.opt_string()?),
            EVALUATORS => {
                if !s.null()? {
                    s.array(|s| scan_evaluator(s, &mut c.evaluators))?;
                }
                c.evaluators.close_row().map_err(|_| Bail)?;
            }
            EXPERIMENT_IDS => {
                if !s.null()? {
                    let ids = c.experiment_ids.values();
                    s.array(|s| {
                        ids.append_value(s.string()?);
                        Ok(())
                    })?;
                }
                c.experiment_ids.append(true);
            }
            RUN_CONFIGURATION | QUERY_FILTERS => {
                let b = if field == RUN_CONFIGURATION {
                    &mut c.run_configuration
                } else {
                    &mut c.query_filters
                };
                match s.raw()? {
                    "null" => b.append_null(),
                    text => b.append_value(text),
                }
            }
            LAST_RUN_AT => match s.opt_string()? {
                Some(v) => c
                    .last_run_at
                    .append_value(parse_timestamp_micros(v).map_err(|_| Bail)?),
                None => c.last_run_at.append_null(),
            },
            CREATED_AT | UPDATED_AT => {
                let b = if field == CREATED_AT {
                    &mut c.created_at
                } else {
                    &mut c.updated_at
                };
                b.append_value(parse_timestamp_micros(s.string()?).map_err(|_| Bail)?);
            }
            _ => c.created_by_user_id.append_option(s.opt_string()?),
        }
        Ok(())
    })?;
    c.complete_row(&seen).map_err(|_| Bail)
}

/// Field number of a key of [`scan_evaluator`] (snake_case or camelCase).
fn evaluator_field(key: &[u8]) -> Option<usize> {
    Some(match key {
        b"evaluator_id" | b"evaluatorId" => 0,
        b"evaluator_name" | b"evaluatorName" => 1,
        b"query_filter" | b"queryFilter" => 2,
        b"column_mappings" | b"columnMappings" => 3,
        b"evaluator_version_id" | b"evaluatorVersionId" => 4,
        b"query_mappings" | b"queryMappings" => 5,
        _ => return None,
    })
}

/// The keys of [`scan_evaluator`] in the order the API writes them.
const EVALUATOR_ORDER: [(&[u8], usize); 6] = [
    (b"\"evaluator_id\":", 0),
    (b"\"evaluator_name\":", 1),
    (b"\"evaluator_version_id\":", 4),
    (b"\"query_filter\":", 2),
    (b"\"column_mappings\":", 3),
    (b"\"query_mappings\":", 5),
];

/// One evaluator object on the direct path; same columns as [`EvaluatorRow`].
fn scan_evaluator(s: &mut Scanner<'_>, c: &mut EvaluatorColumns) -> Scan<()> {
    let mut seen = Seen::default();
    s.fields(&EVALUATOR_ORDER, evaluator_field, |s, field| {
        if !seen.set(field) {
            return Err(Bail);
        }
        match field {
            0 => c.id.append_value(s.string()?),
            1 => c.name.append_option(s.opt_string()?),
            2 => c.query_filter.append_option(s.opt_string()?),
            3 => {
                if s.null()? {
                    c.column_mappings.append(false).map_err(|_| Bail)?;
                } else {
                    let m = &mut c.column_mappings;
                    s.object(|s, k| {
                        // Value first, so a give-up never leaves a key without its value
                        // (a chunk's columns are cut back to whole rows, see `finish_rows`).
                        let v = s.opt_string()?;
                        m.keys().append_value(k);
                        m.values().append_option(v);
                        Ok(())
                    })?;
                    m.append(true).map_err(|_| Bail)?;
                }
            }
            4 => c.version_id.append_option(s.opt_string()?),
            _ => match s.raw()? {
                "null" => c.query_mappings.append_null(),
                text => c.query_mappings.append_value(text),
            },
        }
        Ok(())
    })?;
    if !seen.has(0) {
        return Err(Bail);
    }
    c.complete_item(&seen).map_err(|_| Bail)
}
