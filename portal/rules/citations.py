"""The basis of each rule: document and clause, with the plan's own words quoted (plans/README.md).

Quotations are copied from the plan texts in ``shared/plans`` (line breaks and the typesetting spaces
around numbers removed), not from the catalogue's paraphrases: where the catalogue says "same words"
and the plan's wording differs, the plan's wording is used (e.g. 江西"十四五"规划第四章第三节 says
"企事业单位", not "重点排放单位"). National documents are named by title and number, without quotation.

A finding cites only documents of the enterprise's own province plus national ones (rules-catalogue.md,
amended 2026-12): a basis that draws on both provinces' plans is a ``{JX: …, JS: …}`` mapping (the
``*_BASIS`` dicts below), never one string joining both.
"""

from __future__ import annotations

JX = "JX"
JS = "JS"

# ------------------------------------------------------------------------------------------ documents

JX_SYNERGY = "《江西省减污降碳协同增效实施方案》"
JS_SYNERGY = "《江苏省减污降碳协同增效实施方案》"
JX_14FYP = "《江西省“十四五”生态环境保护规划》"
JX_DECISION = "《江西省人民代表大会常务委员会关于支持和保障碳达峰碳中和工作促进江西绿色转型发展的决定》"
JX_OPINIONS = "《江西省人民政府关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施意见》"
CPA_MEASURES = "《清洁生产审核办法》（2016）"
CPA_REVIEW_GUIDE = "《清洁生产审核评估与验收指南》（2018）"
ACCOUNTING_GUIDES = "企业温室气体排放核算与报告指南（国家24个行业指南；生态环境部 发电设施、钢铁等指南）"
VERIFICATION_GUIDE = "《企业温室气体排放核查技术指南 发电设施》"
#: the yearly notices fix the year's factors and deadlines; the one of 2023 covers the 2023–2025 reports
REPORTING_NOTICES = (
    "生态环境部办公厅年度企业温室气体排放报告管理通知（如《关于做好2023—2025年发电行业企业温室气体排放报告管理"
    "有关工作的通知》，环办气候函〔2023〕43号）"
)
ETS_REGULATION = "《碳排放权交易管理暂行条例》（2024）"
ETS_MEASURES = "《碳排放权交易管理办法（试行）》（生态环境部令第19号）"
DISCLOSURE_MEASURES = "《企业环境信息依法披露管理办法》（生态环境部令第24号）"
HIGH_POLLUTION_FUELS = "《高污染燃料目录》（原环境保护部，2017）"
LEVELS_1609 = "《高耗能行业重点领域能效标杆水平和基准水平》（发改产业〔2021〕1609号、〔2023〕723号）"
POWER_GUIDE = "《企业温室气体排放核算与报告指南 发电设施》"
POWER_GUIDE_HEAT_RATIO = f"{POWER_GUIDE}（热电联产机组按供热比分摊供电、供热排放）"
CEMENT_GUIDE_ALTERNATIVE_FUELS = "水泥熟料生产企业温室气体排放核算指南（替代燃料和废弃物中非生物质碳的燃烧排放须实测计算）"

# ------------------------------------------------------------------------------------- quoted clauses

JS_24_FRAUD = f"{JS_SYNERGY}第（二十四）条 “积极参与全国碳排放权交易市场建设，严厉打击碳排放数据造假行为”"
JS_24_CROSSCHECK = (
    f"{JS_SYNERGY}第（二十四）条 “推进碳排放报告、监测、核查制度与排污许可制度融合，"
    "推进重点排放单位污染物和温室气体排放相关数据的统一采集、相互补充、交叉校核”"
)
JX_14FYP_4_3_CROSSCHECK = f"{JX_14FYP}第四章第三节 “推进企事业单位污染物和温室气体排放相关数据的统一采集、相互补充、交叉校核”"
JX_14FYP_4_3_MRV = f"{JX_14FYP}第四章第三节 “建立完善重点行业温室气体排放数据质量控制、报告和核查体系”"
JX_23_PERMIT = f"{JX_SYNERGY}第（二十三）条 “研究探索统筹排污许可和碳排放管理，衔接减污降碳管理要求”"
JX_DECISION_7 = (
    f"{JX_DECISION}第七条 “碳排放重点企业应当……定期向政府主管部门报告温室气体排放情况，"
    "对报告的真实性、完整性和准确性负责”"
)

XCK_BASIS = {JX: f"{JX_14FYP_4_3_CROSSCHECK}；{JX_23_PERMIT}", JS: JS_24_CROSSCHECK}
#: GHG-008/009: an abnormal change or an implausible value needs the filer's explanation
ANOMALY_BASIS = {
    JX: f"《企业温室气体排放核查技术指南》（排放异常波动须说明原因）；{JX_14FYP_4_3_MRV}",
    JS: f"《企业温室气体排放核查技术指南》（排放异常波动须说明原因）；{JS_24_FRAUD}",
}
#: GHG-004/005: a measured parameter outside its fuel's plausibility band
PLAUSIBILITY_BASIS = {JX: f"{VERIFICATION_GUIDE}；{JX_DECISION_7}", JS: f"{VERIFICATION_GUIDE}；{JS_24_FRAUD}"}
#: GHG-010/011: the key-emitter list (全国碳市场覆盖行业, 2.6万吨二氧化碳当量)
ETS_BASIS = (
    f"{ETS_REGULATION}第八条；{ETS_MEASURES}（重点排放单位：属于全国碳排放权交易市场覆盖行业，"
    "年度温室气体排放量达到2.6万吨二氧化碳当量）"
)

JX_14FYP_5_3_BOILER = f"{JX_14FYP}第五章第三节 “巩固燃煤锅炉整治成效，依法严把准入关，县级及以上城市建成区不再审批35蒸吨/小时及以下燃煤锅炉”"
JX_6_BOILER = f"{JX_SYNERGY}第（六）条 “严格合理控制散煤、锅炉、工业炉窑等非电用煤……县级及以上城市建成区不再审批35蒸吨/小时以下燃煤锅炉”"
JX_14FYP_5_2_BOILER = f"{JX_14FYP}第五章第二节 “推动65蒸吨/小时以上燃煤锅炉实施超低排放改造和燃气锅炉实施低氮改造”"
JX_14FYP_3_3_CAPTIVE = f"{JX_14FYP}第三章第三节 “不再新增自备燃煤机组，鼓励现有自备燃煤机组改为公用或清洁能源替代”"
JS_6_CAPTIVE = f"{JS_SYNERGY}第（六）条 “严禁新（扩）建燃煤自备电厂”"
JX_5_CAPACITY = f"{JX_SYNERGY}第（五）条 “严格执行产能置换政策，严禁违规新增钢铁、水泥熟料、平板玻璃产能”"
JX_DECISION_3 = (
    f"{JX_DECISION}第三条 “推进钢铁、水泥、平板玻璃等行业的落后产能淘汰和存量项目节能降碳改造，"
    "新建、扩建相关项目严格落实产能等量或者减量置换”"
)
JS_5_CAPACITY = f"{JS_SYNERGY}第（五）条 “严禁新增钢铁、焦化、炼油、电解铝、水泥、平板玻璃（不含光伏玻璃）等产能”"
JX_8_EFFICIENCY = f"{JX_SYNERGY}第（八）条 “推进工业节能和能效水平提升”"
JS_8_EFFICIENCY = (
    f"{JS_SYNERGY}第（八）条 “对能源消耗占比高的钢铁、水泥、平板玻璃、炼油、乙烯、合成氨等重点行业和数据中心"
    "组织实施节能降碳工作，坚决淘汰落后产能、落后工艺、落后产品，大幅提升行业整体能效水平”"
)
JX_8_BENCHMARK = (
    f"{JX_SYNERGY}第（八）条 “水泥熟料、平板玻璃（含光伏玻璃）、炼铁、炼钢等重点领域"
    "达到能效标杆水平的产能比例超过30%”"
)
JS_5_NEW_PROJECTS = f"{JS_SYNERGY}第（五）条 “新增高耗能项目能效水平达到国内领先和国际先进”"
JX_5_NEW_PROJECTS = f"{JX_SYNERGY}第（五）条 “采取先进适用的工艺技术和装备，能耗、物耗、水耗要达到清洁生产先进水平”"
JX_13_HCFC = f"{JX_SYNERGY}第（十三）条 “加强消耗臭氧层物质和氢氟碳化物管理，加快使用含氢氯氟烃生产线改造，逐步淘汰氢氯氟烃使用”"
JS_13_HCFC = f"{JS_SYNERGY}第（十三）条 “加强消耗臭氧层物质和氢氟碳化物管理，加快使用含氢氯氟烃生产线改造，逐步淘汰氢氯氟烃使用”"
JX_14FYP_5_2_BYPASS = f"{JX_14FYP}第五章第二节 “督促重点涉气排放企业逐步取消烟气旁路，因安全生产无法取消的，安装在线监管系统及备用处置设施”"
JX_14FYP_11_5_ONLINE = f"{JX_14FYP}第十一章第五节 “督促重点排污单位安装挥发性有机物、总磷、总氮、重金属等特征污染物在线监控设备”"
JX_14FYP_5_2_VOCS = f"{JX_14FYP}第五章第二节 “严格石化、化工、工业涂装、包装印刷等重点行业挥发性有机物全过程管控”"
JX_14FYP_5_2_ULE = f"{JX_14FYP}第五章第二节 “持续推进钢铁、水泥行业企业超低排放改造，到2025年，力争全省钢铁企业完成改造”"
JS_13_ULE = f"{JS_SYNERGY}第（十三）条 “推动钢铁、焦化、水泥、玻璃、石化等行业企业和工业炉窑、垃圾焚烧重点设施超低排放改造（深度治理）”"
JX_OPINIONS_2_4 = (
    f"{JX_OPINIONS}二（四） “建立高耗能高排放项目清单，严格高耗能高排放项目准入管理。"
    "统筹推进高耗能高排放项目清理整改，实行台账管理、分类处置、动态监控”"
)
JS_5_TWO_HIGH = (
    f"{JS_SYNERGY}第（五）条 “坚决遏制高耗能高排放低水平项目盲目发展，高耗能、高排放项目审批严格落实国家和省产业规划、"
    "产业政策、生态环境分区管控、环评审批、取水许可审批、节能审查以及污染物区域削减替代等要求”"
)

# ----------------------------------------------------------------- clauses added in 2026-12 (PLN-014…023)

JS_5_EQUIPMENT = f"{JS_SYNERGY}第（五）条 “新建高耗能项目用能设备达到一级能效标准”"
JS_8_OBSOLETE = f"{JS_SYNERGY}第（八）条 “坚决淘汰落后产能、落后工艺、落后产品”"
JS_6_CHP_RETROFIT = f"{JS_SYNERGY}第（六）条 “推进30万千瓦及以上燃煤机组供热改造”"
JS_6_SMALL_CHP = f"{JS_SYNERGY}第（六）条 “逐步关停整合落后燃煤小热电和燃煤锅炉”"
JX_14FYP_5_2_LOW_VOCS = f"{JX_14FYP}第五章第二节 “大力推进使用低挥发性有机物含量涂料、油墨、胶粘剂和清洗剂”"
JX_13_VOCS_SOURCE = f"{JX_SYNERGY}第（十三）条 “实施VOCs等大气污染治理，优先采用源头替代措施，实施全过程污染物治理”"
JS_13_VOCS_SOURCE = (
    f"{JS_SYNERGY}第（十三）条 “挥发性有机物治理优先采用源头替代措施，以石化、化工、涂装、医药、包装印刷、"
    "油品储运销等行业领域为重点，实施原辅材料和产品源头替代工程”"
)
JX_14FYP_5_2_VOCS_TOTAL = f"{JX_14FYP}第五章第二节 “实施挥发性有机物排放总量控制”"
JS_13_VOCS_TOTAL = (
    f"{JS_SYNERGY}第（十三）条 “加大氮氧化物、挥发性有机物以及温室气体协同减排力度……"
    "到2025年，氮氧化物、挥发性有机物排放总量比2020年分别下降10%以上”"
)
JX_14FYP_5_2_BIOMASS = (
    f"{JX_14FYP}第五章第二节 “加强生物质锅炉排放管控，对污染物排放不能稳定达到锅炉排放标准的生物质锅炉依法处理”"
)
JX_6_KILN = f"{JX_SYNERGY}第（六）条 “严格合理控制散煤、锅炉、工业炉窑等非电用煤，新、改、扩建工业炉窑采用清洁低碳能源”"
JX_14FYP_3_3_KILN = (
    f"{JX_14FYP}第三章第三节 “对以煤、石焦油、重油等为燃料的锅炉和工业窑炉，加快使用清洁低碳能源以及工厂余热、"
    "电力热力等进行替代”"
)
JX_14FYP_5_2_DEEP = f"{JX_14FYP}第五章第二节 “推进陶瓷、砖瓦、有色等行业污染深度治理”"
JX_14FYP_7_3_HEAVY_METALS = (
    f"{JX_14FYP}第七章第三节 “持续推进重点区域重金属减排。严格重点区域涉重金属建设项目环境准入，"
    "新（改、扩）建涉重金属重点行业建设项目实施“减量置换”或“等量替换”原则”"
)

JX_8_AUDIT = f"{JX_SYNERGY}第（八）条 “依法实施“双超双有高耗能”企业强制性清洁生产审核”"
JS_19_AUDIT = f"{JS_SYNERGY}第（十九）条 “依法严格实施“双超双有高耗能”企业强制性清洁生产审核”"
JX_14FYP_3_4_AUDIT = (
    f"{JX_14FYP}第三章第四节 “以能源、冶金、焦化、建材、有色、化工、印染、造纸、原料药、电镀、农副食品加工、"
    "工业涂装、包装印刷、铅蓄电池制造等行业为重点，稳步深入推进重点行业企业开展清洁生产审核，"
    "全面强化重点企业清洁生产审核监督管理”"
)
CPA_BASIS = {
    JX: f"{CPA_MEASURES}第八条；{JX_8_AUDIT}；{JX_14FYP}第三章第四节",
    JS: f"{CPA_MEASURES}第八条；{JS_19_AUDIT}",
}
#: CPA-011: the key clean-production industries (重点行业清洁生产审核)
CP_INDUSTRIES_NOTICE = "《关于深入推进重点行业清洁生产审核工作的通知》（生态环境部办公厅，2020）"
JX_20_COBENEFIT = f"{JX_SYNERGY}第（二十）条 “实现生产过程中大气、水和固体废物等多种污染物以及温室气体大幅减排”"
JS_19_COBENEFIT = f"{JS_SYNERGY}第（十九）条 “实现生产过程中大气、水和固体废物等多种污染物以及温室气体大幅减排”"
JS_19_KEY_INDUSTRIES = (
    f"{JS_SYNERGY}第（十九）条 “开展重点行业企业清洁生产创新示范。以源头防治、节约资源、节能降耗、减污降碳、"
    "提质增效为主线，深入开展清洁生产审核和评价”"
)
JS_19_PERMIT = f"{JS_SYNERGY}第（十九）条 “积极探索推进清洁生产审核与排污许可等制度衔接，以清洁生产审核支撑排污许可证科学核发”"

JX_23_DISCLOSURE = f"{JX_SYNERGY}第（二十三）条 “推动污染物和碳排放量大的企业开展环境信息依法披露”"
JS_24_DISCLOSURE = f"{JS_SYNERGY}第（二十四）条 “推动污染物和碳排放量大的企业纳入“环保脸谱”信息化管理，实施环境信息依法披露”"
JX_14FYP_11_3_DISCLOSURE = f"{JX_14FYP}第十一章第三节 “落实上市公司和发债企业环境信息依法披露制度”"
#: DSC-001: the subjects (第七条, 第八条 for listed companies and bond issuers) and the carbon section (第十二条)
DISCLOSURE_BASIS = {
    JX: f"{DISCLOSURE_MEASURES}第七条、第八条、第十二条；{JX_23_DISCLOSURE}；{JX_14FYP_11_3_DISCLOSURE}",
    JS: f"{DISCLOSURE_MEASURES}第七条、第八条、第十二条；{JS_24_DISCLOSURE}",
}
