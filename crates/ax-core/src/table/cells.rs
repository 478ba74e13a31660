//! More cell decoders for nested and typed columns: enum strings, JSON text, lists of
//! strings and string → string maps. Each appends straight into an Arrow builder.

use std::fmt;

use arrow_array::builder::{ListBuilder, MapBuilder, MapFieldNames, StringBuilder};
use arrow_schema::{DataType, Field, Fields};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{Src, Utf8Cell};

/// Appends a (non-null) enum string, normalized by `normalize` when it recognizes the value
/// (e.g. `pending` → `PENDING`); unrecognized values are kept as sent.
pub struct EnumCell<'a, 'de> {
    pub builder: &'a mut StringBuilder,
    pub normalize: fn(&str) -> Option<&'static str>,
    pub src: Src<'de>,
}

impl<'de> DeserializeSeed<'de> for EnumCell<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        if self.src.is_fast() {
            let (builder, normalize) = (self.builder, self.normalize);
            return self.src.read(de, |v| {
                let v = v.ok_or("null")?;
                builder.append_value(normalize(v).unwrap_or(v));
                Ok(())
            });
        }
        de.deserialize_str(self)
    }
}

impl Visitor<'_> for EnumCell<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        match (self.normalize)(v) {
            Some(n) => self.builder.append_value(n),
            None => self.builder.append_value(v),
        }
        Ok(())
    }
}

/// Appends any JSON value as its compact-as-sent JSON text; `null` becomes a null cell.
/// Only works with `serde_json` deserializers reading from a slice (as page decoding does).
pub struct JsonTextCell<'a> {
    pub builder: &'a mut StringBuilder,
}

impl<'de> DeserializeSeed<'de> for JsonTextCell<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let raw = <&'de serde_json::value::RawValue as de::Deserialize>::deserialize(de)?;
        match raw.get() {
            "null" => self.builder.append_null(),
            text => self.builder.append_value(text),
        }
        Ok(())
    }
}

/// Appends a JSON array of strings as one list entry; `null` is an empty list, or a null
/// entry when `null_is_null`.
pub struct StringListCell<'a, 'de> {
    pub builder: &'a mut ListBuilder<StringBuilder>,
    pub src: Src<'de>,
    pub null_is_null: bool,
}

impl<'de> DeserializeSeed<'de> for StringListCell<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringListCell<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Utf8Cell::new(self.builder.values(), false, self.src))?
            .is_some()
        {}
        self.builder.append(true);
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.builder.append(!self.null_is_null);
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
}

/// A `map<utf8, utf8>` builder with the canonical field names (`entries`, `key`, `value`).
pub fn string_map_builder(rows: usize) -> MapBuilder<StringBuilder, StringBuilder> {
    MapBuilder::with_capacity(
        Some(MapFieldNames {
            entry: "entries".into(),
            key: "key".into(),
            value: "value".into(),
        }),
        StringBuilder::with_capacity(rows, rows * 8),
        StringBuilder::with_capacity(rows, rows * 16),
        rows,
    )
}

/// The data type [`string_map_builder`] produces.
pub fn string_map_type() -> DataType {
    let entries = Fields::from(vec![
        Field::new("key", DataType::Utf8, false),
        Field::new("value", DataType::Utf8, true),
    ]);
    DataType::Map(
        std::sync::Arc::new(Field::new("entries", DataType::Struct(entries), false)),
        false,
    )
}

/// Appends a JSON object of strings as one map entry; `null` is a null map.
pub struct StringMapCell<'a, 'de> {
    pub builder: &'a mut MapBuilder<StringBuilder, StringBuilder>,
    pub src: Src<'de>,
}

impl<'de> DeserializeSeed<'de> for StringMapCell<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringMapCell<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of strings or null")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map
            .next_key_seed(Utf8Cell::new(self.builder.keys(), false, self.src))?
            .is_some()
        {
            map.next_value_seed(Utf8Cell::new(self.builder.values(), true, self.src))?;
        }
        self.builder.append(true).map_err(de::Error::custom)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.builder.append(false).map_err(E::custom)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
}
