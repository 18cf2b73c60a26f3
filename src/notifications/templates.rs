//! The words of every notice, in Simplified Chinese and English. Times are shown in Beijing
//! time, as residents read them.

use super::notice::Notice;
use crate::calendar;
use crate::error::Lang;
use chrono::NaiveDateTime;

/// A notice in words: a title short enough for a phone's banner or an SMS, and a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub title: String,
    pub body: String,
}

fn when(at: NaiveDateTime, lang: Lang) -> String {
    let local = calendar::local(at);
    match lang {
        Lang::Zh => local.format("%-m月%-d日 %H:%M").to_string(),
        Lang::En => local.format("%-d %b %H:%M").to_string(),
    }
}

fn outcome(outcome: &str, lang: Lang) -> &'static str {
    match (outcome, lang) {
        ("passed", Lang::Zh) => "通过",
        ("passed", Lang::En) => "passed",
        ("not_passed", Lang::Zh) => "未通过",
        ("not_passed", Lang::En) => "not passed",
        (_, Lang::Zh) => "参与人数不足，未形成决定",
        (_, Lang::En) => "too few took part to decide",
    }
}

fn text(title: String, body: String) -> Rendered {
    Rendered { title, body }
}

/// The notice in `lang`.
pub fn render(notice: &Notice, lang: Lang) -> Rendered {
    use Lang::{En, Zh};
    match (notice, lang) {
        (Notice::WishClaimed { title, .. }, Zh) => text(
            "您的微心愿已被认领".into(),
            format!("您的微心愿「{title}」已有志愿者认领，请留意与您联系。"),
        ),
        (Notice::WishClaimed { title, .. }, En) => text(
            "Your wish was claimed".into(),
            format!("A volunteer has taken on your wish \"{title}\" and will be in touch."),
        ),
        (Notice::WishFulfilled { title, .. }, Zh) => text(
            "微心愿已确认完成".into(),
            format!("您认领的微心愿「{title}」已确认完成，感谢您的付出！"),
        ),
        (Notice::WishFulfilled { title, .. }, En) => text(
            "Wish fulfilled".into(),
            format!("The wish \"{title}\" you took on is confirmed fulfilled. Thank you!"),
        ),
        (
            Notice::ActivityReminder {
                title,
                starts_at,
                place,
                ..
            },
            Zh,
        ) => text(
            format!("活动提醒：{title}"),
            format!(
                "您报名的活动「{title}」将于 {} 在{place}开始，请准时参加。",
                when(*starts_at, Zh)
            ),
        ),
        (
            Notice::ActivityReminder {
                title,
                starts_at,
                place,
                ..
            },
            En,
        ) => text(
            format!("Reminder: {title}"),
            format!(
                "The activity \"{title}\" you signed up for starts at {} at {place}.",
                when(*starts_at, En)
            ),
        ),
        (
            Notice::VoteOpened {
                question,
                closes_at,
                ..
            },
            Zh,
        ) => text(
            "投票已开始".into(),
            format!(
                "「{question}」投票已开始，截止时间 {}，请及时投票。",
                when(*closes_at, Zh)
            ),
        ),
        (
            Notice::VoteOpened {
                question,
                closes_at,
                ..
            },
            En,
        ) => text(
            "A vote has opened".into(),
            format!(
                "Voting on \"{question}\" is open until {}.",
                when(*closes_at, En)
            ),
        ),
        (
            Notice::VoteClosingSoon {
                question,
                closes_at,
                ..
            },
            Zh,
        ) => text(
            "投票即将截止".into(),
            format!(
                "「{question}」投票将于 {} 截止，您尚未投票。",
                when(*closes_at, Zh)
            ),
        ),
        (
            Notice::VoteClosingSoon {
                question,
                closes_at,
                ..
            },
            En,
        ) => text(
            "A vote closes soon".into(),
            format!(
                "Voting on \"{question}\" closes at {} and you have not voted yet.",
                when(*closes_at, En)
            ),
        ),
        (
            Notice::VoteResult {
                question,
                outcome: o,
                ..
            },
            Zh,
        ) => text(
            "投票结果公布".into(),
            format!("「{question}」投票已结束，结果：{}。", outcome(o, Zh)),
        ),
        (
            Notice::VoteResult {
                question,
                outcome: o,
                ..
            },
            En,
        ) => text(
            "Vote result".into(),
            format!("Voting on \"{question}\" has closed: {}.", outcome(o, En)),
        ),
        (
            Notice::SurveyInvitation {
                title, closes_at, ..
            },
            Zh,
        ) => text(
            "邀请您参加满意度测评".into(),
            format!("诚邀您参加「{title}」，截止时间 {}。", when(*closes_at, Zh)),
        ),
        (
            Notice::SurveyInvitation {
                title, closes_at, ..
            },
            En,
        ) => text(
            "You are invited to a survey".into(),
            format!("Please answer \"{title}\" by {}.", when(*closes_at, En)),
        ),
        (
            Notice::SurveyReminder {
                title, closes_at, ..
            },
            Zh,
        ) => text(
            "测评即将截止".into(),
            format!(
                "「{title}」将于 {} 截止，您尚未作答。",
                when(*closes_at, Zh)
            ),
        ),
        (
            Notice::SurveyReminder {
                title, closes_at, ..
            },
            En,
        ) => text(
            "A survey closes soon".into(),
            format!(
                "\"{title}\" closes at {} and you have not answered yet.",
                when(*closes_at, En)
            ),
        ),
        (Notice::PointsCredited { points, memo }, Zh) => text(
            format!("积分到账 +{points}"),
            format!("{points} 积分已存入您的账户：{memo}"),
        ),
        (Notice::PointsCredited { points, memo }, En) => text(
            format!("+{points} points"),
            format!("{points} points were credited to your account: {memo}"),
        ),
        (Notice::RedemptionReady { item, quantity, .. }, Zh) => text(
            "兑换成功，请领取".into(),
            format!("您兑换的「{item}」×{quantity} 已为您预留，请到社区服务站领取。"),
        ),
        (Notice::RedemptionReady { item, quantity, .. }, En) => text(
            "Your reward is ready".into(),
            format!(
                "{quantity} × \"{item}\" is set aside for you; collect it at the community service centre."
            ),
        ),
        (Notice::RectificationDue { due_at, .. }, Zh) => text(
            "差评整改即将到期".into(),
            format!(
                "有一条差评整改将于 {} 到期，请尽快答复。",
                when(*due_at, Zh)
            ),
        ),
        (Notice::RectificationDue { due_at, .. }, En) => text(
            "A rectification is due".into(),
            format!(
                "A rectification of a poor rating is due at {}; please reply.",
                when(*due_at, En)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn times_are_shown_in_beijing_time() {
        let notice = Notice::VoteOpened {
            vote_id: 1,
            question: "加装电梯".into(),
            closes_at: at("2026-11-30 16:00"),
        };
        assert_eq!(
            render(&notice, Lang::Zh).body,
            "「加装电梯」投票已开始，截止时间 12月1日 00:00，请及时投票。"
        );
        assert_eq!(
            render(&notice, Lang::En).body,
            "Voting on \"加装电梯\" is open until 1 Dec 00:00."
        );
    }

    #[test]
    fn outcomes_are_in_words() {
        let notice = Notice::VoteResult {
            vote_id: 1,
            question: "Q".into(),
            outcome: "no_quorum".into(),
        };
        assert_eq!(
            render(&notice, Lang::Zh).body,
            "「Q」投票已结束，结果：参与人数不足，未形成决定。"
        );
    }
}
