"""Relevance read from the whole text (issue 23): indicators against the project's kind as its goal
and descriptions state it, inputs posing as effects, capped activities set as floors, satisfaction
rated by the implementing unit itself."""

from __future__ import annotations

import re

from ...taxonomy import SATISFACTION
from ..context import AuditInput, on_indicator
from ..lexicon import norm
from ..registry import rule
from ..suggest import move_to
from .blocks import first, pattern, setting
from .coherence import project_kinds

BASIS_RELEVANCE = "财预〔2015〕88号（相关性：绩效指标应与项目的内容和绩效目标密切相关）"


def own_kinds(project: dict, kinds, general_words) -> list:
    """The kinds of a project: those its name or 资金用途 names (as C11 reads them), else the one kind
    its goal names; none for a general operating project, whose goal lists many kinds of work."""
    named = norm(project["name"]) + norm(project.get("fund_use"))
    if first(named, general_words):
        return []
    found = project_kinds(project, kinds)
    if found:
        return found
    goal = norm(project["goal_text"])
    in_goal = [kind for kind in kinds if any(word in goal for word in kind["project"])]
    return in_goal if len(in_goal) == 1 else []


@rule(
    "C14", name_zh="指标与项目目标无关", name_en="indicator unrelated to the project's goal", severity="warning",
    criterion="relevance",
    check_zh="按项目名称、资金用途（或只提到一类事项的绩效目标）识别项目类别；指标名称或指标描述含其他类别的词（weak_words 这类常用词除外）、不含本类别的词，"
    "且项目名称、绩效目标和资金用途都没有提到该词和那一类别（如出版刊物项目中的“活动的正常运行”）；综合运转类项目不查",
    basis=BASIS_RELEVANCE,
    suggestion="删除与项目无关的指标（多为从其他项目照搬），改设反映本项目产出和效果的指标。",
    config=("lexicon.project_kinds", "relevance.general_project_words", "relevance.weak_words", "relevance.foreign_only_kinds"),
    examples=(
        "绩效目标为因公出访的项目中，指标描述写“纪检监察案件办理”",
        "车辆保险费项目中的“节约水、电”",
        "编辑出版刊物项目中的“保障活动的正常运行”",
    ),
)
def c14(data: AuditInput):
    kinds = data.lexicon.words("project_kinds")
    general = setting(data, "relevance", "general_project_words")
    weak = set(setting(data, "relevance", "weak_words"))
    for project in data.projects:
        own = own_kinds(project, kinds, general)
        if not own:
            continue
        own_names = [kind["kind"] for kind in own]
        foreign_kinds = [kind for kind in kinds if kind not in own] + [
            kind for kind in setting(data, "relevance", "foreign_only_kinds") if set(kind["foreign_to"]) & set(own_names)
        ]
        context = norm(project["name"]) + norm(project["goal_text"]) + norm(project.get("fund_use"))
        own_words = [word for kind in own for word in kind["indicators"]]
        for row in data.indicators_of(project["project_id"]):
            text = row["name_n"] + row["description_n"]
            if not row["name_n"] or first(text, own_words):
                continue
            found = next(
                (
                    (kind, word) for kind in foreign_kinds if not first(context, kind["project"])
                    for word in kind["indicators"] if word in text and word not in context and word not in weak
                ),
                None,
            )
            if found is None:
                continue
            kind, word = found
            where = "指标名称" if word in row["name_n"] else "指标描述"
            label = "、".join(own_names)
            yield on_indicator(
                row,
                f"{where}写的是{kind['kind']}事项（“{word}”），本项目是{label}项目，项目名称、绩效目标和资金用途都没有提到，指标与项目内容无关。",
                about_name=True,
                evidence=row["name"] if where == "指标名称" else f"{row['name']}：{row['description']}",
                suggestion=f"删除“{row['name']}”（或改写其描述），改设反映本项目（{label}）产出或效果的指标，"
                f"如与“{'”“'.join(own[0]['indicators'][:3])}”有关的数量、质量或时效指标。",
            )


@rule(
    "C15", name_zh="投入作为效益", name_en="input posing as an effect", severity="warning", criterion="relevance",
    check_zh="效益指标以金额为目标值，名称写的是投入的资金（投入、资金、经费、预算、支出），而不是项目带来的收益或节约（带动、收入、节约…）",
    basis="财预〔2015〕88号（效益指标反映项目实施后产生的效果；资金投入属于成本）",
    suggestion="把资金投入移到“产出指标—成本指标”（以“≤”金额表示），效益指标改写项目产生的效果（受益人数、参与率、社会影响）。",
    config=("relevance.input_words", "relevance.effect_money_words"),
    examples=("巨鹿 改写探针：“社会效益指标；投入活动资金总额：≥6 万元”",),
)
def c15(data: AuditInput):
    for row in data.indicators:
        money = row["value_kind"] == "money" or "元" in (row["measure_unit"] or "")
        if not (row["is_benefit"] and money and row["name_n"]):
            continue
        word = first(row["name_n"], setting(data, "relevance", "input_words"))
        if not word or first(row["name_n"], setting(data, "relevance", "effect_money_words")):
            continue
        cap = f"≤{row['number']:g}{row['measure_unit'] or '万元'}" if row["number"] is not None else "≤N 万元"
        yield on_indicator(
            row,
            f"效益指标“{row['name']}”写的是投入的资金（“{word}”），是成本，不是项目产生的效果。",
            about_name=True,
            suggestion=move_to(row, "成本指标") + f"并改为上限（如“{cap}”）；效益指标另设反映项目效果的指标（如受益人数、群众参与率）。",
        )


@rule(
    "C17", name_zh="受控事项设为下限", name_en="capped activity set as a floor", severity="warning", criterion="relevance",
    check_zh="因公出国（境）、公务接待等受年度计划或限额控制的事项，其次数、人数、团组、批次指标用“≥/>/不少于”设下限",
    basis="财预〔2015〕88号（指标方向应与项目实际相符）；因公出国（境）按年度计划审批、“三公”经费实行总额控制，次数和人数只能以计划数为上限",
    suggestion="受控事项的数量以年度计划为上限，写作“≤N 次（人次）”，并与年度出访计划或接待计划一致。",
    config=("relevance.capped_words", "relevance.capped_trip_words"),
    examples=("因公出访项目：“出国考察次数：>3次”",),
)
def c17(data: AuditInput):
    for row in data.indicators:
        if row["op"] not in ("≥", ">") or row["value_kind"] not in ("count", "quantity") or row["number"] is None:
            continue
        word = first(row["name_n"], setting(data, "relevance", "capped_words"))
        if word and first(row["name_n"], setting(data, "relevance", "capped_trip_words")):
            yield on_indicator(
                row,
                f"“{row['name']}”（“{word}”）是受年度计划或限额控制的事项，目标值“{row['value']}”却设为下限，鼓励多出、多办。",
                suggestion=f"把“{row['value']}”改为上限“≤{row['number']:g}{row['measure_unit'] or ''}”，与年度计划数一致。",
            )


@rule(
    "C18", name_zh="满意度由实施单位自评", name_en="satisfaction rated by the unit itself", severity="warning",
    criterion="relevance",
    check_zh="满意度指标的名称、指标值或描述写的是实施单位自己的评价（“本单位对…满意度”“自我评价”），而不是服务对象的满意度",
    basis="财预〔2015〕88号（满意度指标反映服务对象对项目实施效果的满意程度）",
    suggestion="满意度由项目的服务对象（群众、参与者、受益人）评价，改为“服务对象满意度≥90%”，并写明调查方式。",
    config=("relevance.self_rating_patterns",),
    examples=("广州 机构运行辅助经费：“编外人员的满意度：本单位对聘用的编外人员满意度100%”",),
)
def c18(data: AuditInput):
    self_rating = pattern(data, "relevance", "self_rating_patterns")
    for row in data.indicators:
        if not (row["name_satisfaction"] or (row["l1"] == SATISFACTION and "满意" in row["value_n"] + row["description_n"])):
            continue
        for text in (row["name_n"], row["value_n"], row["description_n"]):
            match = self_rating.search(text)
            if match and "满意" in text:
                yield on_indicator(
                    row,
                    f"满意度由实施单位自己评价（“{_clause(text, match)}”），不是服务对象的满意度。",
                    suggestion=f"把“{row['name']}”改为服务对象（如参与群众、受益人）的满意度，如“服务对象满意度≥90%”，并写明调查方式。",
                )
                break


def _clause(text: str, match: re.Match) -> str:
    """The clause around a match (up to the next punctuation), for the message."""
    end = re.search(r"[，。；,;]", text[match.end():])
    return text[match.start(): match.end() + (end.start() if end else len(text))][:30]
