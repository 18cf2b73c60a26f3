//! Field-level validation errors: which field, a stable code, and a message per language.

use super::Lang;
use serde::Serialize;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field in the request, e.g. `household.room`.
    pub field: String,
    pub code: Cow<'static, str>,
    /// Bounds or other facts that make the message precise (`min`, `max`).
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocalizedFieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            min: None,
            max: None,
        }
    }

    pub fn with_bounds(mut self, min: Option<i64>, max: Option<i64>) -> Self {
        self.min = min;
        self.max = max;
        self
    }

    pub fn localized(&self, lang: Lang) -> LocalizedFieldError {
        LocalizedFieldError {
            field: self.field.clone(),
            code: self.code.to_string(),
            message: self.message(lang),
        }
    }

    fn message(&self, lang: Lang) -> String {
        let bounds = match (self.min, self.max) {
            (Some(min), Some(max)) => format!(" ({min}–{max})"),
            (Some(min), None) => format!(" (≥ {min})"),
            (None, Some(max)) => format!(" (≤ {max})"),
            (None, None) => String::new(),
        };
        let (zh, en) = match self.code.as_ref() {
            "required" => ("必填", "is required"),
            "length" => ("长度不符合要求", "has the wrong length"),
            "range" => ("数值超出范围", "is out of range"),
            "email" => ("邮箱格式不正确", "is not a valid email address"),
            "invalid_phone" => (
                "手机号格式不正确",
                "is not a valid mainland China mobile number",
            ),
            "invalid_login" => (
                "请填写手机号或邮箱",
                "must be a mobile number or an email address",
            ),
            "too_weak" => (
                "密码强度不足：至少 8 位，并避免常见密码、连续或重复字符",
                "is too weak: use 8 or more characters and avoid common words, sequences and repeats",
            ),
            "invalid_id_number" => ("身份证号码不正确", "is not a valid resident ID number"),
            "invalid_type" => ("类型不正确", "has the wrong type"),
            "unknown_field" => ("不允许的字段", "is not an accepted field"),
            "invalid_value" => ("取值不正确", "has an invalid value"),
            "invalid_cursor" => ("分页游标无效", "is not a valid cursor"),
            "blank" => ("不能为空", "must not be blank"),
            "control_characters" => ("不能包含控制字符", "must not contain control characters"),
            "not_found" => ("引用的记录不存在", "refers to a record that does not exist"),
            "same_as_current" => (
                "新密码不能与当前密码相同",
                "must differ from the current password",
            ),
            "out_of_stock" => ("库存不足", "is more than is left in stock"),
            "per_person_limit" => (
                "超出每人限兑数量",
                "goes beyond what one person may redeem of this item",
            ),
            "before_start" => ("不能早于开始时间", "must be after the start"),
            "after_end" => ("不能晚于结束时间", "must not be after the end"),
            "in_the_past" => ("不能是过去的时间", "must not be in the past"),
            "too_long" => ("时间跨度过长", "spans too long a time"),
            "outside_window" => (
                "超出活动时间范围",
                "falls outside the activity's time window",
            ),
            "below_coverage" => (
                "服务时长未达到活动时长的最低比例",
                "covers less of the activity than the community requires",
            ),
            "unknown_code" => ("签到码无效", "is not a code issued for this activity"),
            "code_expired" => ("签到码已过期", "has expired"),
            "code_used" => ("签到码已被使用", "has already been used"),
            "duplicate" => ("存在重复项", "contains the same item twice"),
            "own_code" => (
                "不能使用自己发放的签到码",
                "was issued by you; another organiser must issue yours",
            ),
            "too_short" => ("时间跨度过短", "spans too short a time"),
            "too_far" => ("时间过于遥远", "is too far in the future"),
            "after_start" => ("不能晚于开始时间", "must not be after the start"),
            "time_bank_disabled" => (
                "本社区未开通时间银行",
                "needs the community's time bank, which is not enabled",
            ),
            "not_signed_up" => ("未报名该活动", "has no confirmed sign-up for this activity"),
            "not_a_member" => (
                "不是本社区已认证的居民",
                "is not a verified member of this community",
            ),
            "below_confirmed" => (
                "不能少于已确认报名的人数",
                "cannot be below the number already confirmed",
            ),
            "pending_review" => ("还有待审核的服务时长", "still has hours awaiting review"),
            "invalid_skill" => (
                "每个技能标签须为 1–20 个字的单行文字",
                "must hold single-line tags of 1 to 20 characters",
            ),
            "in_future" => ("不能晚于当前时间", "must not be in the future"),
            "too_old" => (
                "时间过早，只能补录五年内的服务",
                "is too long ago (five years at most)",
            ),
            "self_backfill" => (
                "不能为自己补录服务时长",
                "must be someone else: nobody back-fills their own hours",
            ),
            "no_volunteer_profile" => (
                "该用户尚未在本社区登记志愿者信息",
                "has no volunteer profile in this community",
            ),
            "last_leader" => (
                "服务队至少要保留一名队长，请先任命其他队长",
                "is the team's only leader; appoint another leader first",
            ),
            "invalid_month" => ("月份格式应为 YYYY-MM", "must be a month as YYYY-MM"),
            "invalid_date" => ("日期格式应为 YYYY-MM-DD", "must be a date as YYYY-MM-DD"),
            "before_from" => ("不能早于起始日期", "must not be before the start date"),
            "exactly_one" => (
                "与同组字段须且只能填写一项",
                "must be the one alternative given (exactly one is required)",
            ),
            "same_approver" => (
                "两次审批须由两名不同的工作人员完成",
                "must be someone other than the first approver",
            ),
            "not_a_social_worker" => (
                "不是本社区的社工",
                "does not hold the social worker role in this community",
            ),
            "exceeds_fund" => ("超出公益基金现有余额", "is more than the fund holds"),
            "invalid_transition" => (
                "当前阶段不能进行这一步",
                "does not allow this step at its current stage",
            ),
            "not_in_discussion" => ("议题尚未进入讨论阶段", "is not a topic under discussion"),
            "vote_pending" => (
                "该议题已有一项待进行或进行中的表决",
                "already has a vote scheduled or open",
            ),
            "not_for_yes_no" => (
                "赞成/反对/弃权表决不需要选项",
                "is not used by a yes/no vote",
            ),
            "too_few_options" => ("至少需要两个选项", "needs at least two options"),
            "too_many_choices" => (
                "选择的选项过多或有重复",
                "marks too many options, or one twice",
            ),
            "unknown_option" => ("没有这个选项", "names an option the vote does not have"),
            "not_a_resident" => (
                "不是本社区已认证的居民",
                "is not a verified resident of the community",
            ),
            "not_for_electorate" => (
                "只有居民代表表决才需指定代表",
                "is only for a vote of named representatives",
            ),
            "receipt_characters" => (
                "回执码只能包含字母、数字和连字符",
                "may hold only letters, digits and dashes",
            ),
            "changes_not_allowed" => ("本次表决不允许改票", "cannot be changed in this vote"),
            "not_voted" => (
                "您还没有投票",
                "belongs to no ballot of yours: you have not voted",
            ),
            "unknown_receipt" => ("找不到该回执码对应的选票", "matches no ballot in this vote"),
            "self_proxy" => (
                "不能为自己代投",
                "must be someone else: nobody votes by proxy for themself",
            ),
            "not_in_electorate" => (
                "不在本次表决的投票人名单中",
                "is not in the electorate of this vote",
            ),
            "use_proxy_ballot" => (
                "代办会话中不能直接投票，请使用有见证人的代投",
                "cannot be cast in an assisted session; use a witnessed proxy ballot",
            ),
            "tally_mismatch" => (
                "各选项票数之和与纸质票数不符",
                "does not equal the sum of the counts",
            ),
            "paper_count_mismatch" => (
                "投票人人数与纸质票数不符，或有重复（同一户只能投一票）",
                "must list each voter once (one per household) and match the paper count",
            ),
            "same_officer" => (
                "须由另一位工作人员复核",
                "must be a second officer, not the one who entered it",
            ),
            "counts_differ" => (
                "两次清点结果不一致",
                "differs from the first officer's count",
            ),
            "already_voted" => (
                "名单中有人已经投过票",
                "includes someone who has already voted",
            ),
            "results_embargoed" => (
                "表决结束前不公布结果",
                "keeps its results hidden until it closes",
            ),
            "already_exists" => ("已经存在", "already exists"),
            "unknown_question" => ("问卷中没有这道题", "is not a question of this survey"),
            "not_shown" => (
                "根据前面的回答，这道题不需要作答",
                "was not shown, given the earlier answers, and cannot be answered",
            ),
            "not_for_kind" => ("不适用于这种类型", "does not apply to this kind"),
            "assisted_session" => (
                "代办会话中不能代居民填写问卷",
                "cannot be given in an assisted session: residents answer for themselves",
            ),
            "not_responded" => (
                "您还没有填写这份问卷",
                "belongs to no response of yours yet",
            ),
            "anonymous" => (
                "匿名问卷不保存答卷与人的关联",
                "is anonymous: no answers are linked to anyone",
            ),
            "not_completed" => (
                "服务尚未完成（或已取消），暂不能评价",
                "is not a completed service (not finished yet, or cancelled)",
            ),
            "not_a_party" => ("您不是该服务的服务对象", "is not a service you received"),
            "attendance_unverified" => (
                "您的出勤记录尚待组织者核实",
                "has your attendance still awaiting the organiser's review",
            ),
            "already_rated" => ("您已经评价过了", "has already been rated by you"),
            "own_case" => (
                "不能为自己登记办件",
                "must be someone else: nobody records a case of their own",
            ),
            "step_missing" => (
                "“四议两公开”的上一步尚未记录",
                "needs the preceding 四议两公开 step recorded first",
            ),
            "not_four_two" => (
                "该议题不走“四议两公开”程序",
                "is not the 四议两公开 procedure for this topic",
            ),
            "out_of_order" => (
                "须按“四议两公开”的顺序逐步记录，每步只记录一次",
                "must be the next 四议两公开 step, in order and once",
            ),
            "staff_only" => (
                "“四议两公开”议题只能由社区工作人员（党组织）提出",
                "is for topics raised by staff only (the party branch proposes)",
            ),
            "not_a_leader" => (
                "您不是该组织的负责人，或该组织未获准服务本社区",
                "must be an organisation you lead that serves this community",
            ),
            "not_cosignable" => (
                "只有居民提出的议题需要联名",
                "only residents' topics are co-signed",
            ),
            "own_topic" => ("不能联名自己提出的议题", "is your own topic"),
            "already_cosigned" => ("您已联名该议题", "is already co-signed by you"),
            "not_cosigned" => ("您尚未联名该议题", "is not co-signed by you"),
            "too_few" => ("联名人数不足", "are fewer than the topic needs"),
            "discussion_closed" => (
                "议题不在讨论阶段，不能发表评论",
                "is not open for discussion",
            ),
            "too_deep" => ("回复层级过深", "is nested too deeply for a reply"),
            "already_so" => ("已经是该状态", "is already so"),
            "invalid_reference" => (
                "附件最多 20 个，每个为 1–500 个字符且不含空格",
                "must hold up to 20 references of 1 to 500 characters without spaces",
            ),
            "invalid_attendee" => (
                "每位参会人须为 1–60 个字的单行文字",
                "must hold single-line names of 1 to 60 characters",
            ),
            "over_a_year_ago" => ("只能记录一年内召开的会议", "must be within the past year"),
            _ => ("取值不正确", "is invalid"),
        };
        match lang {
            Lang::Zh => format!("{}：{zh}{bounds}", self.field),
            Lang::En => format!("{} {en}{bounds}", self.field),
        }
    }
}

/// Flattens validator's nested errors into dotted field paths.
pub fn from_validation(errors: &validator::ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out
}

fn collect(errors: &validator::ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind as Kind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            Kind::Field(list) => {
                for e in list {
                    let bound = |name: &str| e.params.get(name).and_then(|v| v.as_i64());
                    out.push(
                        FieldError::new(path.clone(), e.code.clone())
                            .with_bounds(bound("min"), bound("max")),
                    );
                }
            }
            Kind::Struct(inner) => collect(inner, &path, out),
            Kind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}
