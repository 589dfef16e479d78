"""Test the reference data files and their loader against reference-data.md."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from importlib import resources

import pytest

from portal.reference import (
    FileReference,
    ParameterNotFound,
    ReferenceData,
    ReferenceDataError,
    default_reference,
)

D = Decimal
DATA = resources.files("portal.reference") / "data"
FUEL_CODES = [
    "anthracite",
    "bituminous",
    "lignite",
    "washed_coal",
    "other_washed_coal",
    "briquette",
    "gangue",
    "coke",
    "petroleum_coke",
    "crude_oil",
    "fuel_oil",
    "gasoline",
    "diesel",
    "kerosene",
    "lng",
    "lpg",
    "coal_tar",
    "refinery_gas",
    "natural_gas",
    "bf_gas",
    "bof_gas",
    "coke_oven_gas",
    "other_gas",
    "biomass",
    "biogas",
    "alternative_fuel",
]
COAL_CODES = {
    "anthracite",
    "bituminous",
    "lignite",
    "washed_coal",
    "other_washed_coal",
    "briquette",
    "gangue",
}
GAS_CODES = {"natural_gas", "bf_gas", "bof_gas", "coke_oven_gas", "other_gas", "biogas"}
ETS_INDUSTRIES = ["4411", "4412", "3110", "3120", "3011", "3216"]


@pytest.fixture(scope="module")
def ref():
    return default_reference()


@pytest.fixture()
def data_copy(tmp_path):
    """Copy the package data files to a temporary folder a test may edit."""
    for name in (
        "fuels.json",
        "processes.json",
        "products.json",
        "parameters.json",
        "rule-parameters.json",
        "industry-products.json",
        "cp-industries.json",
    ):
        with resources.as_file(DATA / name) as path:
            shutil.copy(path, tmp_path / name)
    return tmp_path


def test_default_reference_is_cached_and_implements_protocol(ref):
    assert default_reference() is ref
    reference: ReferenceData = ref  # static check that FileReference satisfies the protocol
    assert reference.fuel_edition("3011") == "mee-2024"


# ------------------------------------------------------------------------------ parameters


@pytest.mark.parametrize(
    ("year", "value", "status"),
    [
        (2019, "0.6101", "C"),
        (2020, "0.6101", "C"),
        (2021, "0.5810", "C"),
        (2022, "0.5810", "C"),
        (2023, "0.5703", "C"),
        (2024, "0.5703", "U"),
        (2025, "0.5703", "U"),
        (2026, "0.5703", "U"),
        (2040, "0.5703", "U"),
    ],
)
def test_grid_factor_by_year(ref, year, value, status):
    param = ref.param("grid_factor", year)
    assert str(param.value) == value and param.status == status and param.source
    assert ref.value("grid_factor", year) == D(value)


@pytest.mark.parametrize(("year", "counts"), [(2019, True), (2025, True), (2026, False), (2030, False)])
def test_power_generation_counts_purchased(ref, year, counts):
    assert ref.value("grid_factor.power_generation_counts_purchased", year) is counts


def test_param_before_first_year_raises_key_error(ref):
    with pytest.raises(KeyError) as info:
        ref.param("grid_factor", 2018)
    assert isinstance(info.value, ParameterNotFound)
    assert "grid_factor" in str(info.value) and "2019" in str(info.value)


def test_unknown_param_raises_key_error(ref):
    with pytest.raises(ParameterNotFound, match="no.such.key"):
        ref.value("no.such.key", 2024)


@pytest.mark.parametrize(
    ("key", "value", "status"),
    [
        ("heat_factor", D("0.11"), "C"),
        ("energy.gj_per_tce", D("29.3076"), "C"),
        ("energy.tce_per_mwh", D("0.1229"), "C"),
        ("power_generation.high_default_carbon_content", D("0.03356"), "U"),
        ("power_generation.oxidation_rate", D("0.99"), "C"),
        ("steel.oxidation_rate", D(1), "C"),
        ("ets_threshold_tco2", D(26000), "C"),
        ("deadline.ghg_annual_report", "03-31", "C"),
        ("deadline.disclosure_annual_report", "03-15", "C"),
        ("deadline.permit_annual_report", "01-15", "C"),
        ("industries.power_generation", ["4411", "4412"], "C"),
        ("industries.steel", ["3110", "3120"], "C"),
        ("industries.national_ets", ETS_INDUSTRIES, "C"),
        ("audit.finish_months", 12, "C"),
        ("energy_efficiency.exit_deadline_2021_areas", dt.date(2025, 12, 31), "C"),
    ],
)
def test_parameter_values(ref, key, value, status):
    param = ref.param(key, 2024)
    assert param.value == value and type(param.value) is type(value)
    assert param.status == status


@pytest.mark.parametrize(
    ("key", "year", "value"),
    [
        ("grid_factor.mee_nbs.national", 2021, "0.5568"),
        ("grid_factor.mee_nbs.national", 2022, "0.5366"),
        ("grid_factor.mee_nbs.national", 2023, "0.5306"),
        ("grid_factor.mee_nbs.jiangsu", 2023, "0.5827"),
        ("grid_factor.mee_nbs.jiangxi", 2023, "0.5836"),
    ],
)
def test_mee_nbs_grid_series(ref, key, year, value):
    assert ref.value(key, year) == D(value)


def test_every_parameter_has_status_source_and_no_float(ref):
    params = list(ref.all_params())
    assert len([p for p in params if p.key == "grid_factor"]) == 6
    for param in params:
        assert param.status in ("C", "U") and param.source
        assert not isinstance(param.value, float)
        assert param.value_type in ("decimal", "int", "str", "bool", "date", "list")


@pytest.mark.parametrize(
    ("obligation", "due"),
    [
        ("ghg_annual_report", dt.date(2025, 3, 31)),
        ("deadline.disclosure_annual_report", dt.date(2025, 3, 15)),
        ("permit_annual_report", dt.date(2025, 1, 15)),
    ],
)
def test_deadlines_fall_in_the_next_year(ref, obligation, due):
    assert ref.deadline(obligation, 2024) == due


# ------------------------------------------------------------------------------ industries


@pytest.mark.parametrize("industry", ETS_INDUSTRIES)
def test_ets_industries_use_mee_2024(ref, industry):
    assert ref.fuel_edition(industry) == "mee-2024"
    assert ref.is_national_ets(industry, 2024)


@pytest.mark.parametrize("industry", ["3041", "2521", "4413", "2614", "0000", "", None])
def test_other_industries_use_ndrc_2015(ref, industry):
    assert ref.fuel_edition(industry) == "ndrc-2015"
    assert not ref.is_national_ets(industry, 2024)


def test_power_and_steel_lists(ref):
    assert ref.is_power_generation("4411", 2024) and ref.is_power_generation("4412", 2030)
    assert not ref.is_power_generation("3011", 2024) and not ref.is_power_generation(None, 2024)
    assert ref.is_steel("3110", 2024) and ref.is_steel("3120", 2024) and not ref.is_steel("3130", 2024)


@pytest.mark.parametrize(
    ("industry", "products"),
    [
        ("3011", ("cement_clinker",)),
        ("3041", ("flat_glass",)),
        ("3110", ("pig_iron",)),
        ("3120", ("bof_steel", "eaf_steel")),
        ("2521", ("coke",)),
        ("3216", ("aluminium",)),
        ("2511", ("refined_oil",)),
        ("2614", ()),  # ethylene only when produced
        ("2621", ("ammonia",)),
        ("2619", ("calcium_carbide",)),
        ("2612", ("caustic_soda",)),
        ("3071", ("ceramic_tile",)),
        ("3072", ("sanitary_ceramic",)),
        ("4411", ("electricity",)),
        ("4412", ("electricity",)),
        ("1310", ()),
        (None, ()),
    ],
)
def test_benchmark_products(ref, industry, products):
    assert ref.benchmark_products(industry) == products


def test_industry_products_detail(ref):
    steel = ref.industry_products("3120")
    assert steel.also == ("pig_iron",) and steel.required
    ethylene = ref.industry_products("2614")
    assert ethylene.products == ("ethylene",) and not ethylene.required
    assert ref.industry_products("4411").also == ("heat",)
    assert ref.industry_products("9999") is None


def test_benchmark_products_as_list_parameter(ref):
    entries = ref.value("industries.benchmark_products", 2024)
    assert "3120:bof_steel|eaf_steel" in entries and "3011:cement_clinker" in entries
    assert not any(entry.startswith("2614:") for entry in entries)


@pytest.mark.parametrize(
    ("industry", "region", "group"),
    [
        ("3011", None, "building_materials"),
        ("3041", "360100", "building_materials"),
        ("3216", None, "nonferrous"),
        ("2614", None, "chemical"),
        ("2211", None, "papermaking"),
        ("1713", None, "printing_dyeing"),
        ("1711", None, None),  # spinning is not dyeing
        ("3110", None, "metallurgy"),
        ("2521", None, "coking"),
        ("2511", None, "energy"),
        ("4411", None, "energy"),
        ("2710", None, "api"),
        ("3360", None, "electroplating"),
        ("1310", None, "agri_food"),
        ("3670", None, "industrial_coating"),
        ("2319", None, "packaging_printing"),
        ("3843", "360700", "lead_acid_battery"),  # Jiangxi adds 铅蓄电池制造
        ("3843", "320100", None),
        ("3843", None, None),
        ("5111", None, None),
        (None, None, None),
    ],
)
def test_key_cp_industry(ref, industry, region, group):
    found = ref.key_cp_industry(industry, region)
    assert (found.code if found else None) == group


def test_key_cp_groups_are_list_parameters(ref):
    assert ref.value("industries.key_cp.chemical", 2024) == ["26"]
    assert ref.value("industries.key_cp.lead_acid_battery.36", 2024) == ["3843"]
    for group in ref.all_key_cp_industries():
        assert group.status in ("C", "U") and group.source and group.prefixes


# ------------------------------------------------------------------------------ fuels


@pytest.mark.parametrize("code", FUEL_CODES)
def test_every_fuel_in_both_editions(ref, code):
    mee = ref.fuel(code, "mee-2024")
    # the biomass defaults are unconfirmed (折标系数, IPCC memo carbon contents: reference-data.md §1b)
    assert mee is not None and mee.edition == "mee-2024" and mee.status == ("U" if code in ("biomass", "biogas") else "C")
    ndrc = ref.fuel(code, "ndrc-2015")
    if code == "gangue":
        # ndrc-2015 has no gangue: the mee-2024 values serve, and say so
        assert ndrc is mee
    else:
        assert ndrc is not None and ndrc.edition == "ndrc-2015"
    assert mee.is_coal == (code in COAL_CODES)
    assert mee.unit == ("10^4 Nm3" if code in GAS_CODES else "t")  # refinery gas is in t


def test_fuel_listing_covers_both_editions(ref):
    fuels = list(ref.all_fuels())
    assert len(fuels) == 2 * len(FUEL_CODES) - 1
    assert {f.code for f in fuels} == set(FUEL_CODES)
    for factor in fuels:
        assert factor.source and factor.status in ("C", "U")
        assert isinstance(factor.oxidation_rate, Decimal)
        # an alternative fuel has no default NCV or carbon content: the filer measures them (§1b)
        measured = factor.code == "alternative_fuel"
        for value in (factor.ncv, factor.carbon_content):
            assert (value is None) if measured else isinstance(value, Decimal)


@pytest.mark.parametrize(
    ("code", "edition", "ncv", "cc", "of"),
    [
        ("anthracite", "mee-2024", "25.024", "0.02749", "0.99"),
        ("anthracite", "ndrc-2015", "26.7", "0.0274", "0.94"),
        ("bituminous", "ndrc-2015", "19.570", "0.0261", "0.93"),
        ("lignite", "ndrc-2015", "11.9", "0.0280", "0.96"),
        ("washed_coal", "ndrc-2015", "26.344", "0.02541", "0.90"),  # the NDRC table; U (GB/T 32151.34 prints 26.334)
        ("briquette", "mee-2024", "17.460", "0.03356", "0.99"),
        ("coke", "ndrc-2015", "28.435", "0.0295", "0.93"),
        ("refinery_gas", "ndrc-2015", "45.998", "0.0182", "0.99"),
        ("natural_gas", "mee-2024", "389.310", "0.01532", "0.99"),
        ("coke_oven_gas", "mee-2024", "173.854", "0.01210", "0.99"),
        ("coke_oven_gas", "ndrc-2015", "179.81", "0.01358", "0.99"),
        ("lng", "ndrc-2015", "51.498", "0.0153", "0.98"),
    ],
)
def test_fuel_values(ref, code, edition, ncv, cc, of):
    factor = ref.fuel(code, edition)
    assert (str(factor.ncv), str(factor.carbon_content), str(factor.oxidation_rate)) == (ncv, cc, of)


def test_status_u_where_marked(ref):
    unconfirmed = {(f.code, f.edition) for f in ref.all_fuels() if f.status == "U"}
    assert unconfirmed == {("lng", "ndrc-2015"), ("washed_coal", "ndrc-2015"), ("biomass", "mee-2024"),
                           ("biomass", "ndrc-2015"), ("biogas", "mee-2024"), ("biogas", "ndrc-2015")}
    assert ref.param("power_generation.high_default_carbon_content", 2024).status == "U"
    assert {p.code for p in ref.all_processes() if p.status == "U"} == {
        "clinker",
        "fgd_limestone",
        "anode",
        "pfc_cf4",
        "pfc_c2f6",
    }
    assert {p.code for p in ref.all_products() if p.status == "C" and p.benchmark is not None} == {
        "cement_clinker",
        "ceramic_tile",
        "sanitary_ceramic",
    }


def test_unknown_fuel(ref):
    assert ref.fuel("unobtainium", "mee-2024") is None
    assert ref.fuel("diesel", "no-such-edition") is None


@pytest.mark.parametrize("edition", ["mee-2024", "ndrc-2015"])
def test_natural_gas_ncv_band_is_published(ref, edition):
    factor = ref.fuel("natural_gas", edition)
    assert factor.ncv_band == (D("285.0"), D("398.3")) and factor.ncv_band_status == "C"
    assert factor.carbon_content_band is None  # bands for carbon content are defined for coal only


def test_gangue_ncv_band_is_published(ref):
    assert ref.fuel("gangue", "mee-2024").ncv_band == (D("4.5"), D("12.55"))


def test_other_fuels_ncv_band_is_25_percent(ref):
    # diesel 42.652 × 0.75 = 31.989, × 1.25 = 53.315 (U)
    factor = ref.fuel("diesel", "mee-2024")
    assert factor.ncv_band == (D("31.989"), D("53.315")) and factor.ncv_band_status == "U"


def test_coal_carbon_content_band_is_10_percent_of_table(ref):
    # bituminous mee 0.02618 × 0.9 = 0.023562, × 1.1 = 0.028798; ndrc 0.0261 → 0.02349 … 0.02871
    assert ref.fuel("bituminous", "mee-2024").carbon_content_band == (D("0.023562"), D("0.028798"))
    assert ref.fuel("bituminous", "ndrc-2015").carbon_content_band == (D("0.02349"), D("0.02871"))
    assert ref.fuel("bituminous", "mee-2024").carbon_content_band_status == "U"
    assert ref.fuel("coke", "mee-2024").carbon_content_band is None  # coke is not coal


# ------------------------------------------------------------------------------ processes, products


@pytest.mark.parametrize(
    ("code", "factor", "purity"),
    [
        ("clinker", "0.5274", None),
        ("limestone", "0.440", "1.0"),
        ("dolomite", "0.476", "1.0"),
        ("soda_ash", "0.415", "1.0"),
        ("fgd_limestone", "0.440", "0.90"),
        ("electrode", "3.663", None),
        ("anode", "1.503", None),
        ("pfc_cf4", "0.221", None),  # 0.034 × 6500 / 1000
        ("pfc_c2f6", "0.03128", None),  # 0.0034 × 9200 / 1000
        ("scrap_in", "0.037", None),
        ("pig_iron_in", "0.172", None),
        ("dri_in", "0.073", None),
        ("crude_steel_out", "-0.037", None),
        ("pig_iron_out", "-0.172", None),
        ("tar_out", "-2.699", None),
        ("benzol_out", "-3.382", None),
        ("other", None, None),
    ],
)
def test_processes(ref, code, factor, purity):
    process = ref.process(code)
    assert process.default_factor == (None if factor is None else D(factor))
    assert process.default_purity == (None if purity is None else D(purity))
    assert process.source


def test_process_listing(ref):
    assert len(list(ref.all_processes())) == 17
    assert ref.process("nope") is None


@pytest.mark.parametrize(
    ("code", "benchmark", "baseline", "jx", "js"),
    [
        ("cement_clinker", 100, 117, True, True),
        ("flat_glass", 8, 12, True, True),
        ("pv_glass", None, None, True, False),
        ("pig_iron", 361, 435, True, True),
        ("bof_steel", -30, -10, True, True),
        ("eaf_steel", None, None, True, True),
        ("coke", 110, 135, False, True),
        ("aluminium", 13000, 13350, False, True),
        ("refined_oil", "7.5", "8.5", False, True),
        ("ethylene", 590, 640, False, False),
        ("ammonia", 1000, 1200, False, False),
        ("calcium_carbide", 805, 940, False, False),
        ("caustic_soda", 315, 350, False, False),
        ("ceramic_tile", 4, 7, False, False),
        ("sanitary_ceramic", 300, 630, False, False),
        ("electricity", None, None, False, False),
        ("heat", None, None, False, False),
        ("other", None, None, False, False),
    ],
)
def test_products(ref, code, benchmark, baseline, jx, js):
    product = ref.product(code)
    assert product.benchmark == (None if benchmark is None else D(benchmark))
    assert product.baseline == (None if baseline is None else D(baseline))
    assert (product.restricted_jx, product.restricted_js) == (jx, js)
    # a product without levels has no status for them, and says why in its source
    assert product.status == (None if benchmark is None else product.status) and product.source
    assert benchmark is None or product.status in ("C", "U")


def test_product_bands_and_level_units(ref):
    assert ref.product("electricity").intensity_band == (D("0.30"), D("1.20"))
    assert ref.product("cement_clinker").intensity_band == (D("0.75"), D("1.00"))
    assert ref.product("cement_clinker").unit_energy_band == (D(80), D(140))
    assert ref.product("bof_steel").intensity_band == (D("1.20"), D("2.60"))
    assert ref.product("flat_glass").intensity_band == (D("0.03"), D("0.08"))
    assert ref.product("pig_iron").unit_energy_band == (D(300), D(550))
    assert ref.product("cement_clinker").band_status == "U"
    assert ref.product("coke").intensity_band is None and ref.product("coke").band_status is None
    assert ref.product("aluminium").level_unit == "kWh" and ref.product("ethylene").level_unit == "kgoe"
    assert ref.product("cement_clinker").level_unit == "kgce"
    assert len(list(ref.all_products())) == 18


# ------------------------------------------------------------------------------ the loader


def _write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_rule_parameters_file_is_merged(data_copy):
    _write(
        data_copy / "rule-parameters.json",
        [
            {
                "key": "GHG-007.tolerance",
                "from_year": 2019,
                "value": 0.005,
                "type": "decimal",
                "status": "U",
                "source": "rules",
            },
            {
                "key": "GHG-001.first_year",
                "from_year": 2019,
                "value": 2019,
                "type": "int",
                "status": "C",
                "source": "rules",
            },
        ],
    )
    ref = FileReference(data_copy)
    assert ref.value("GHG-007.tolerance", 2024) == D("0.005")
    assert ref.value("GHG-001.first_year", 2024) == 2019
    assert ref.value("grid_factor", 2024) == D("0.5703")


def test_missing_rule_parameters_file_is_fine(data_copy):
    (data_copy / "rule-parameters.json").unlink()
    assert FileReference(data_copy).value("heat_factor", 2024) == D("0.11")


def test_duplicate_parameter_across_files_is_rejected(data_copy):
    _write(
        data_copy / "rule-parameters.json",
        [
            {
                "key": "heat_factor",
                "from_year": 2019,
                "value": 0.2,
                "type": "decimal",
                "status": "U",
                "source": "x",
            },
        ],
    )
    with pytest.raises(ReferenceDataError, match="heat_factor"):
        FileReference(data_copy)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"key": "k", "from_year": 2019, "value": "x", "type": "decimal", "status": "C", "source": "s"},
            "number",
        ),
        (
            {"key": "k", "from_year": 2019, "value": 1, "type": "bool", "status": "C", "source": "s"},
            "true or false",
        ),
        (
            {
                "key": "k",
                "from_year": 2019,
                "value": "2024-13-01",
                "type": "date",
                "status": "C",
                "source": "s",
            },
            "date",
        ),
        ({"key": "k", "from_year": 2019, "value": 1, "type": "int", "status": "X", "source": "s"}, "status"),
        (
            {"key": "k", "from_year": "2019", "value": 1, "type": "int", "status": "C", "source": "s"},
            "from_year",
        ),
        ({"key": "k", "from_year": 2019, "value": 1, "type": "float", "status": "C", "source": "s"}, "type"),
        ({"key": "k", "from_year": 2019, "value": 1, "type": "int", "status": "C", "source": ""}, "string"),
        (
            {"key": "k", "from_year": 2019, "value": 1, "type": "int", "status": "C", "source": "s", "x": 1},
            "unknown",
        ),
        ({"key": "k", "from_year": 2019, "value": 1, "type": "int", "status": "C"}, "lacks source"),
    ],
)
def test_malformed_parameters_are_rejected(data_copy, entry, message):
    _write(data_copy / "rule-parameters.json", [entry])
    with pytest.raises(ReferenceDataError, match=message):
        FileReference(data_copy)


def test_parameter_type_may_not_change_between_versions(data_copy):
    _write(
        data_copy / "rule-parameters.json",
        [
            {"key": "k", "from_year": 2019, "value": 1, "type": "int", "status": "C", "source": "s"},
            {"key": "k", "from_year": 2020, "value": "1", "type": "str", "status": "C", "source": "s"},
        ],
    )
    with pytest.raises(ReferenceDataError, match="changes type"):
        FileReference(data_copy)


def test_decimals_are_read_exactly(data_copy):
    _write(
        data_copy / "rule-parameters.json",
        [
            {"key": "k", "from_year": 2019, "value": 0.1, "type": "decimal", "status": "C", "source": "s"},
            {"key": "k", "from_year": 2020, "value": "0.30", "type": "decimal", "status": "C", "source": "s"},
        ],
    )
    ref = FileReference(data_copy)
    assert str(ref.value("k", 2019)) == "0.1" and str(ref.value("k", 2020)) == "0.30"


def test_industry_products_must_name_known_products(data_copy):
    path = data_copy / "industry-products.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["industries"][0]["products"] = ["no_such_product"]
    _write(path, data)
    with pytest.raises(ReferenceDataError, match="no_such_product"):
        FileReference(data_copy)
