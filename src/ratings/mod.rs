//! Service ratings (好差评) and rectification (整改).

pub mod routes;
