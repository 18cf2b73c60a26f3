//! The stable machine codes of every problem the API reports, with their HTTP status and
//! their title in each language. Clients switch on `code`; the titles are for people.

use super::Lang;
use actix_web::http::StatusCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    MalformedJson,
    InvalidUtf8,
    UnsupportedMediaType,
    ValidationFailed,
    Unauthenticated,
    InvalidToken,
    TokenExpired,
    InvalidCredentials,
    RefreshTokenInvalid,
    RefreshTokenReused,
    AccountDisabled,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    AlreadyExists,
    InvalidState,
    IdempotencyKeyReused,
    InsufficientBalance,
    OutOfStock,
    LimitExceeded,
    ScheduleConflict,
    AlreadyVoted,
    NotInElectorate,
    VoteNotOpen,
    AlreadyResponded,
    NotInAudience,
    SurveyNotOpen,
    PayloadTooLarge,
    RateLimited,
    ServiceUnavailable,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed_json",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::ValidationFailed => "validation_failed",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidToken => "invalid_token",
            Self::TokenExpired => "token_expired",
            Self::InvalidCredentials => "invalid_credentials",
            Self::RefreshTokenInvalid => "refresh_token_invalid",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::AccountDisabled => "account_disabled",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::AlreadyExists => "already_exists",
            Self::InvalidState => "invalid_state",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::InsufficientBalance => "insufficient_balance",
            Self::OutOfStock => "out_of_stock",
            Self::LimitExceeded => "limit_exceeded",
            Self::ScheduleConflict => "schedule_conflict",
            Self::AlreadyVoted => "already_voted",
            Self::NotInElectorate => "not_in_electorate",
            Self::VoteNotOpen => "vote_not_open",
            Self::AlreadyResponded => "already_responded",
            Self::NotInAudience => "not_in_audience",
            Self::SurveyNotOpen => "survey_not_open",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited => "rate_limited",
            Self::ServiceUnavailable => "service_unavailable",
            Self::Internal => "internal_error",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Self::MalformedJson | Self::InvalidUtf8 => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::ValidationFailed | Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated
            | Self::InvalidToken
            | Self::TokenExpired
            | Self::InvalidCredentials
            | Self::RefreshTokenInvalid
            | Self::RefreshTokenReused => StatusCode::UNAUTHORIZED,
            Self::AccountDisabled | Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::AlreadyExists
            | Self::InvalidState
            | Self::InsufficientBalance
            | Self::OutOfStock
            | Self::LimitExceeded
            | Self::ScheduleConflict
            | Self::AlreadyVoted
            | Self::VoteNotOpen
            | Self::AlreadyResponded
            | Self::SurveyNotOpen => StatusCode::CONFLICT,
            Self::NotInElectorate | Self::NotInAudience => StatusCode::FORBIDDEN,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code a bare status maps to, for responses produced outside our handlers.
    pub fn for_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::MalformedJson,
            401 => Self::Unauthenticated,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            409 => Self::InvalidState,
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType,
            422 => Self::ValidationFailed,
            429 => Self::RateLimited,
            503 => Self::ServiceUnavailable,
            _ => Self::Internal,
        }
    }

    pub fn title(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Self::MalformedJson => (
                "请求内容不是有效的 JSON",
                "The request body is not valid JSON",
            ),
            Self::InvalidUtf8 => (
                "请求内容或查询参数不是有效的 UTF-8 文本",
                "The request body or query string is not valid UTF-8",
            ),
            Self::UnsupportedMediaType => (
                "请求内容类型必须是 application/json",
                "The request body must be application/json",
            ),
            Self::ValidationFailed => (
                "提交的内容有误，请检查标出的字段",
                "Some fields are invalid",
            ),
            Self::Unauthenticated => ("请先登录", "Authentication is required"),
            Self::InvalidToken => ("登录凭证无效", "The access token is invalid"),
            Self::TokenExpired => ("登录已过期，请重新登录", "The access token has expired"),
            Self::InvalidCredentials => ("账号或密码错误", "Wrong login or password"),
            Self::RefreshTokenInvalid => {
                ("登录会话已失效，请重新登录", "The refresh token is invalid")
            }
            Self::RefreshTokenReused => (
                "检测到登录凭证被重复使用，该会话已全部注销，请重新登录",
                "The refresh token was used twice; the whole session has been revoked",
            ),
            Self::AccountDisabled => ("账号已停用", "The account is disabled"),
            Self::Forbidden => ("您没有执行此操作的权限", "You are not allowed to do this"),
            Self::NotFound => ("找不到该资源", "Not found"),
            Self::MethodNotAllowed => ("不支持该请求方法", "Method not allowed"),
            Self::AlreadyExists => ("该记录已存在", "It already exists"),
            Self::InvalidState => (
                "当前状态下不能执行此操作",
                "Not possible in the current state",
            ),
            Self::IdempotencyKeyReused => (
                "同一个幂等键已用于不同的请求",
                "This Idempotency-Key was already used for a different request",
            ),
            Self::InsufficientBalance => ("余额不足", "The balance is not enough for this"),
            Self::OutOfStock => ("库存不足", "Not enough in stock"),
            Self::LimitExceeded => ("超出允许的限额", "This goes beyond the limit allowed"),
            Self::ScheduleConflict => (
                "与您参加的另一项活动时间重叠",
                "This overlaps another activity you take part in",
            ),
            Self::AlreadyVoted => (
                "您（或您家）已经投过票了",
                "You (or your household) have already voted",
            ),
            Self::NotInElectorate => (
                "您不在本次表决的投票人名单中",
                "You are not in the electorate of this vote",
            ),
            Self::VoteNotOpen => ("表决不在投票时间内", "The vote is not open"),
            Self::AlreadyResponded => (
                "您（或您家）已经填写过这份问卷了",
                "You (or your household) have already answered this survey",
            ),
            Self::NotInAudience => (
                "您不在这份问卷的调查对象中",
                "You are not in the audience of this survey",
            ),
            Self::SurveyNotOpen => ("问卷不在填写时间内", "The survey is not open"),
            Self::PayloadTooLarge => ("请求内容过大", "The request body is too large"),
            Self::RateLimited => (
                "操作过于频繁，请稍后再试",
                "Too many attempts; try again later",
            ),
            Self::ServiceUnavailable => (
                "服务暂时不可用，请稍后再试",
                "The service is temporarily unavailable; try again shortly",
            ),
            Self::Internal => ("服务器内部错误", "Internal server error"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
