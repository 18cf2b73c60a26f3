//! Built-in survey templates: the satisfaction surveys behind the evaluation standards'
//! thresholds (Hunan 2022: 居民满意率 ≥ 90%, 治安满意率 ≥ 95%), tagged with the indicators
//! they feed, and a short activity feedback form.

use super::types::{IndicatorTag as Tag, QuestionKind, QuestionSpec, ShowIf, Template};
use serde_json::json;

pub fn all() -> Vec<Template> {
    vec![urban(), rural(), activity_feedback()]
}

pub fn find(name: &str) -> Option<Template> {
    all().into_iter().find(|t| t.name == name)
}

fn question(key: &str, kind: QuestionKind, prompt: &str) -> QuestionSpec {
    QuestionSpec {
        key: key.to_owned(),
        kind,
        prompt: prompt.to_owned(),
        required: true,
        options: None,
        tag: None,
        show_if: None,
    }
}

fn likert(key: &str, prompt: &str, tag: Tag) -> QuestionSpec {
    QuestionSpec {
        tag: Some(tag),
        ..question(key, QuestionKind::Likert, prompt)
    }
}

fn suggestions() -> QuestionSpec {
    QuestionSpec {
        required: false,
        ..question(
            "suggestions",
            QuestionKind::FreeText,
            "您对社区还有哪些意见和建议？",
        )
    }
}

/// Asked of residents unsatisfied (1 or 2) with security: what worries them.
fn security_concerns() -> QuestionSpec {
    QuestionSpec {
        options: Some(
            [
                "入室盗窃",
                "电动车被盗或充电安全",
                "电信诈骗",
                "消防隐患",
                "邻里纠纷",
                "其他",
            ]
            .map(String::from)
            .to_vec(),
        ),
        show_if: Some(ShowIf {
            question: "security".to_owned(),
            any_of: vec![json!(1), json!(2)],
        }),
        ..question(
            "security_concerns",
            QuestionKind::MultipleChoice,
            "您最担心的治安问题是？（可多选）",
        )
    }
}

fn urban() -> Template {
    Template {
        name: "hunan-2022-urban-satisfaction",
        title: "和谐社区居民满意度测评（城市社区）",
        description: "按湖南省和谐社区示范创建标准（2022）六个方面测评，1 分为非常不满意，5 分为非常满意；4 分及以上计为满意。",
        source: "湖南省和谐社区示范创建标准（2022，城市社区）",
        questions: vec![
            likert(
                "self_governance",
                "您对社区居民自治、议事协商工作是否满意？",
                Tag::GovernanceSatisfaction,
            ),
            likert(
                "management",
                "您对社区管理（物业、停车、秩序）是否满意？",
                Tag::GovernanceSatisfaction,
            ),
            likert(
                "services",
                "您对社区公共服务（便民服务站、上门服务、志愿服务）是否满意？",
                Tag::ServiceSatisfaction,
            ),
            likert(
                "security",
                "您对社区治安状况是否满意？",
                Tag::SecuritySatisfaction,
            ),
            security_concerns(),
            likert(
                "environment",
                "您对社区环境卫生和绿化是否满意？",
                Tag::EnvironmentSatisfaction,
            ),
            likert(
                "civility",
                "您对社区文明和谐、邻里关系是否满意？",
                Tag::CivilitySatisfaction,
            ),
            likert(
                "overall",
                "总体而言，您对本社区是否满意？",
                Tag::ResidentSatisfaction,
            ),
            suggestions(),
        ],
    }
}

fn rural() -> Template {
    Template {
        name: "hunan-2022-rural-satisfaction",
        title: "和谐社区村民满意度测评（农村社区）",
        description: "按湖南省和谐社区示范创建标准（2022）农村社区六个方面测评，1 分为非常不满意，5 分为非常满意；4 分及以上计为满意。",
        source: "湖南省和谐社区示范创建标准（2022，农村社区）",
        questions: vec![
            likert(
                "village_organisation",
                "您对村级组织建设和村干部工作是否满意？",
                Tag::GovernanceSatisfaction,
            ),
            likert(
                "democracy",
                "您对村务公开、民主议事和村民自治是否满意？",
                Tag::GovernanceSatisfaction,
            ),
            likert(
                "services",
                "您对村级公共服务（一站式服务、帮扶服务）是否满意？",
                Tag::ServiceSatisfaction,
            ),
            likert(
                "security",
                "您对本村社会治安状况是否满意？",
                Tag::SecuritySatisfaction,
            ),
            security_concerns(),
            likert(
                "customs",
                "您对本村乡风民风、移风易俗是否满意？",
                Tag::CivilitySatisfaction,
            ),
            likert(
                "environment",
                "您对村容村貌和人居环境是否满意？",
                Tag::EnvironmentSatisfaction,
            ),
            likert(
                "overall",
                "总体而言，您对本村是否满意？",
                Tag::ResidentSatisfaction,
            ),
            suggestions(),
        ],
    }
}

fn activity_feedback() -> Template {
    Template {
        name: "activity-feedback",
        title: "活动满意度反馈",
        description: "活动结束后请参与者评价，用于改进下一次活动。",
        source: "wushe",
        questions: vec![
            QuestionSpec {
                tag: Some(Tag::ServiceSatisfaction),
                ..question(
                    "overall",
                    QuestionKind::GoodAveragePoor,
                    "您对本次活动的总体评价？",
                )
            },
            question(
                "recommend",
                QuestionKind::ZeroToTen,
                "您有多大可能向邻居推荐下次活动？（0–10）",
            ),
            QuestionSpec {
                required: false,
                ..question("improve", QuestionKind::FreeText, "有什么可以做得更好？")
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_passes_the_checks_a_survey_does() {
        for template in all() {
            let prepared = super::super::questions::prepare(&template.questions);
            assert!(prepared.is_ok(), "{}: {prepared:?}", template.name);
        }
    }
}
