//! The shape of the oVirt model as plain data (filled in by the generator in
//! `crate::generated::schema`): for every struct its element tags and fields, for every field
//! its XML tag, kind, list item tag, whether it is an XML attribute and the `<link rel>` it may be
//! served as. The JSON <-> XML bridge behind `omnivirt api call` reads it.

/// What one value of a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scalar {
    /// Text.
    String,
    /// `true` / `false` (the engine also accepts and may send `0` / `1`).
    Boolean,
    /// A 64-bit integer.
    Integer,
    /// A decimal number.
    Decimal,
    /// An XML Schema dateTime, kept as text.
    Date,
    /// One of the values of the enum [`Field::ty`], kept as text (unknown values too).
    Enum,
    /// A nested object of the struct [`Field::ty`].
    Struct,
}

/// One field of a struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Field {
    /// The model's name (the JSON key).
    pub name: &'static str,
    /// The XML element (or attribute) name.
    pub tag: &'static str,
    /// What one value is.
    pub scalar: Scalar,
    /// The enum or struct name for [`Scalar::Enum`] and [`Scalar::Struct`], else empty.
    pub ty: &'static str,
    /// For a list: the element name of one item (the field's element is the wrapper).
    pub item: Option<&'static str>,
    /// Whether it is an XML attribute (`id`).
    pub attribute: bool,
    /// The `<link rel>` the engine serves it as when not inlined with `follow`, else empty.
    pub rel: &'static str,
}

impl Field {
    /// A single-valued child element named like the field.
    pub const fn new(name: &'static str, scalar: Scalar) -> Self {
        Field {
            name,
            tag: name,
            scalar,
            ty: "",
            item: None,
            attribute: false,
            rel: "",
        }
    }

    /// Sets the enum or struct type.
    pub const fn of(mut self, ty: &'static str) -> Self {
        self.ty = ty;
        self
    }

    /// Sets an XML tag that differs from the name.
    pub const fn tag(mut self, tag: &'static str) -> Self {
        self.tag = tag;
        self
    }

    /// Makes it a list whose items are `<item>` elements.
    pub const fn list(mut self, item: &'static str) -> Self {
        self.item = Some(item);
        self
    }

    /// Makes it an XML attribute.
    pub const fn attr(mut self) -> Self {
        self.attribute = true;
        self
    }

    /// Sets the `<link rel>`.
    pub const fn rel(mut self, rel: &'static str) -> Self {
        self.rel = rel;
        self
    }
}

/// One struct of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeInfo {
    /// `Vm`.
    pub name: &'static str,
    /// `vm`.
    pub element: &'static str,
    /// `vms`.
    pub collection: &'static str,
    /// Every field, inherited ones included, sorted by name.
    pub fields: &'static [Field],
}

impl TypeInfo {
    /// A struct.
    pub const fn new(
        name: &'static str,
        element: &'static str,
        collection: &'static str,
        fields: &'static [Field],
    ) -> Self {
        TypeInfo {
            name,
            element,
            collection,
            fields,
        }
    }

    /// The field whose model name is `name`.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields
            .binary_search_by(|f| f.name.cmp(name))
            .ok()
            .map(|i| &self.fields[i])
    }

    /// The field whose XML element is `tag` (attributes excluded).
    pub fn field_by_tag(&self, tag: &[u8]) -> Option<&'static Field> {
        self.fields
            .iter()
            .find(|f| !f.attribute && f.tag.as_bytes() == tag)
    }

    /// The field served as `<link rel="rel">`.
    pub fn field_by_rel(&self, rel: &str) -> Option<&'static Field> {
        self.fields
            .iter()
            .find(|f| !f.rel.is_empty() && f.rel == rel)
    }
}

/// The struct called `name` (`Vm`), from the generated table.
pub fn type_info(name: &str) -> Option<&'static TypeInfo> {
    let table = crate::generated::schema::TYPES;
    table
        .binary_search_by(|t| t.name.cmp(name))
        .ok()
        .map(|i| &table[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_complete() {
        let table = crate::generated::schema::TYPES;
        assert_eq!(table.len(), 220);
        assert!(table.windows(2).all(|w| w[0].name < w[1].name));
        for t in table {
            assert!(
                t.fields.windows(2).all(|w| w[0].name < w[1].name),
                "{}",
                t.name
            );
            for f in t.fields {
                if f.scalar == Scalar::Struct {
                    assert!(
                        type_info(f.ty).is_some(),
                        "{}.{} -> {}",
                        t.name,
                        f.name,
                        f.ty
                    );
                }
            }
        }
        let vm = type_info("Vm").unwrap();
        assert_eq!((vm.element, vm.collection), ("vm", "vms"));
        let nics = vm.field("nics").unwrap();
        assert_eq!((nics.item, nics.rel, nics.ty), (Some("nic"), "nics", "Nic"));
        assert!(vm.field("id").unwrap().attribute);
        assert_eq!(
            vm.field_by_rel("diskattachments").unwrap().name,
            "disk_attachments"
        );
        assert!(type_info("Nope").is_none());
    }
}
