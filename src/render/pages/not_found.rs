//! `404.html`.

use crate::render::{Ctx, OutFile, RenderError};

pub fn render(ctx: &Ctx) -> Result<OutFile, RenderError> {
    ctx.page(
        "404.html",
        "404.html",
        "404",
        &ctx.t("not_found"),
        &serde_json::json!({}),
    )
}
