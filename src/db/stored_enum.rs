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
#[macro_export]
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        $vis enum $name {
            $($(#[$variant_meta])* #[serde(rename = $text)] $variant),+
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
