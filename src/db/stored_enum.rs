//! Enums stored as text columns (`CHECK (x IN (...))` in the migrations) and sent as the same
//! snake_case strings on the wire, declared once so the two spellings cannot drift apart.

/// Declares such an enum with `ALL`, `as_str` and `parse`:
///
/// ```ignore
/// stored_enum! {
///     /// Where a topic stands.
///     pub enum TopicStage { Proposed => "proposed", Accepted => "accepted" }
/// }
/// ```
///
/// Its OpenAPI schema is a string enum of the same texts, named after the type or, where two
/// modules have an enum of the same name, after `as`: `pub enum Kind as NotificationKind`.
/// The schema is written here rather than derived: `utoipa::ToSchema`'s derive does not see a
/// `#[serde(rename = $text)]` whose literal comes from a macro, and would document the
/// variants' Rust names.
#[macro_export]
macro_rules! stored_enum {
    (@schema_name $name:ident) => { stringify!($name) };
    (@schema_name $name:ident $schema:ident) => { stringify!($schema) };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident $(as $schema:ident)? {
            $($(#[$variant_meta:meta])* $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$variant_meta])* #[serde(rename = $text)] $variant),+
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($crate::stored_enum!(@schema_name $name $($schema)?))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|known| known.as_str() == value)
            }
        }
    };
}
