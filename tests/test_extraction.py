"""Who commits to what: behaviours of the extraction, on short articles written for these tests.

They deliberately come from other events than the bundled sample (pledging conferences, bilateral
deals, refusals, wire rewrites) so that rules stay general.
"""

from __future__ import annotations

import pytest

from helpers import as_article, assert_each_gives, build_from_texts, facts, in_articles, pairs


def one(text: str):
    return build_from_texts({"a.txt": text})


def in_article(text: str):
    return one(as_article(text))


def test_coordinated_subjects_each_commit():
    con = one("Poland and the Netherlands have agreed to send troops to Ukraine once a truce is signed. "
              "The two leaders spoke in Warsaw.")
    assert {("POL", "troop_deployment", "committed"), ("NLD", "troop_deployment", "committed")} <= facts(con)


def test_a_merely_mentioned_actor_does_not_commit():
    con = one("Sweden will deliver 20 Gripen jets and air defence missiles to Ukraine, officials in Stockholm said, "
              "after talks with Russia stalled and China stayed silent.")
    assert ("SWE", "military_aid") in pairs(con)
    assert not {p for p in pairs(con) if p[0] in ("RUS", "CHN", "UKR")}


def test_negation_makes_the_actor_decline():
    con = one("Hungary said it would not send weapons to Ukraine, while Denmark pledged to provide more F-16s to Kyiv.")
    assert ("HUN", "military_aid", "declined") in facts(con)
    assert ("DNK", "military_aid", "committed") in facts(con)


def test_ruling_out_is_a_refusal_but_ruling_nothing_out_is_a_hedge():
    con = one("Italy ruled out sending troops to Ukraine. Spain said it rules nothing out on deploying soldiers there.")
    assert ("ITA", "troop_deployment", "declined") in facts(con)
    assert ("ESP", "troop_deployment", "conditional") in facts(con)


def test_hedges_make_a_pledge_conditional():
    con = one("Canada could contribute surveillance aircraft and would be ready to deploy troops to monitor a ceasefire.")
    assert ("CAN", "troop_deployment", "conditional") in facts(con)


def test_rejecting_someone_elses_troops_is_opposition():
    con = one("The Kremlin rejected any deployment of Western troops in Ukraine, calling them legitimate targets.")
    assert ("RUS", "troop_deployment", "opposed") in facts(con)


def test_a_capital_as_a_meeting_place_is_not_an_actor():
    con = one("At the summit in London, Japan pledged 3 billion dollars for reconstruction of Ukraine's power grid.")
    assert ("JPN", "financial_support") in pairs(con)
    assert not {p for p in pairs(con) if p[0] == "GBR"}


def test_a_capital_as_a_government_is_an_actor():
    con = one("According to officials, Berlin will provide 2 billion euros in military aid to Kyiv this year.")
    assert ("DEU", "military_aid") in pairs(con)


def test_speaker_attribution_for_we():
    con = one("\u201cWe will provide \u20ac5bn in budget support to Ukraine next year,\u201d European Commission President "
              "Ursula von der Leyen said on Thursday.")
    assert ("EU", "financial_support", "committed") in facts(con)


def test_pronoun_carries_over_from_the_previous_sentence():
    con = one("Norway and Denmark announced a joint package on Monday. Both countries will finance air defence "
              "systems for Ukraine.")
    assert {("NOR", "military_aid"), ("DNK", "military_aid")} <= pairs(con)


def test_passive_voice_attributes_the_agent():
    con = one("A future ceasefire could be monitored by Turkish forces, the minister told reporters in Ankara.")
    assert ("TUR", "ceasefire_monitoring", "conditional") in facts(con)


def test_led_compound_attributes_the_leader():
    con = one("Partners will take part in a UK-led air policing mission over western Ukraine, officials said on Monday.")
    assert ("GBR", "air_sea_security") in pairs(con)


def test_office_holders_speak_for_their_state():
    con = one("Merz said Berlin will deliver more Patriot missiles to Kyiv this winter. Starmer pledged 1.6 billion "
              "pounds ($2 billion) for air defence missiles for Ukraine.")
    assert ("DEU", "military_aid") in pairs(con)
    assert {("GBR", "military_aid"), ("GBR", "financial_support")} <= pairs(con)


def test_an_article_without_commitments_yields_no_facts():
    con = one("Talks between the delegations continued in Geneva on Tuesday. Diplomats described the mood as tense, "
              "and no statement was issued after the meeting. Russia and Ukraine exchanged prisoners last week.")
    assert facts(con) == set()


def test_signing_an_agreement_is_an_agreement_for_each_signatory():
    con = one("Ukraine and Japan signed a bilateral security agreement in Kyiv on Friday, the presidential office said.")
    assert {("UKR", "agreement"), ("JPN", "agreement")} <= pairs(con)


@pytest.mark.parametrize("sentence,value,unit", [
    ("Norway pledged 2 billion euros to Ukraine.", 2e9, "EUR"),
    ("The EU pledged \u20ac2bn to Ukraine.", 2e9, "EUR"),
    ("The United States has provided more than $98 billion to Ukraine.", 98e9, "USD"),
    ("Britain pledged 1.6 billion pounds ($2 billion) to Ukraine.", 1.6e9, "GBP"),
    ("France will send several thousand troops to Ukraine.", None, "troops"),
    ("Poland will send 15,000-30,000 soldiers to Ukraine.", 15000.0, "troops"),
    ("Norway will deliver 30 F-16 fighter jets to Ukraine.", 30.0, "jets"),
    ("Canada will contribute 500 million Canadian dollars to Ukraine.", 5e8, "CAD"),
])
def test_quantity_is_parsed_with_value_and_unit(sentence, value, unit):
    con = one(sentence + " Officials confirmed the decision on Monday after a meeting of the cabinet.")
    row = con.execute("select quantity_value, quantity_unit, quantity_text from marts.fct_commitment_mentions "
                      "where quantity_text is not null").fetchone()
    assert row is not None
    assert row[0] == value and row[1] == unit


def test_condition_is_kept_as_written_and_does_not_make_a_pledge_conditional():
    con = one("Britain will deploy troops to Ukraine after a ceasefire is agreed, the defence secretary said.")
    row = con.execute("select stance, condition_text from marts.fct_commitment_mentions "
                      "where actor_code = 'GBR' and commitment_type = 'troop_deployment'").fetchone()
    assert row == ("committed", "after a ceasefire is agreed")


def test_every_mention_is_explained_by_its_sentence_and_rules():
    con = one("Finland will send demining teams and pledged 100 million euros to Ukraine, the government said on Monday.")
    rows = con.execute("select evidence, rule_id, attribution_method from marts.fct_commitment_mentions").fetchall()
    assert rows
    for evidence, rule_id, method in rows:
        assert evidence.startswith("Finland will send") and rule_id and method


def test_latest_report_sets_the_stance():
    con = build_from_texts(
        {"old.txt": "Italy will send troops to Ukraine to secure the peace, the prime minister said on Monday.",
         "new.txt": "Italy ruled out sending troops to Ukraine, the defence minister said in a later interview."},
        published={"old.txt": "2026-01-05", "new.txt": "2026-01-20"},
    )
    assert con.execute("select stance, n_mentions from marts.fct_commitments where actor_code = 'ITA' "
                       "and commitment_type = 'troop_deployment'").fetchone() == ("declined", 2)


def test_among_equally_recent_reports_a_pledge_beats_a_hedge():
    con = build_from_texts(
        {"a.txt": "Belgium could send F-16 jets to Ukraine next year, the minister said after a cabinet meeting.",
         "b.txt": "Belgium will send F-16 jets to Ukraine next year, the prime minister confirmed on television."},
        published={"a.txt": "2026-02-01", "b.txt": "2026-02-01"},
    )
    assert con.execute("select stance from marts.fct_commitments where actor_code = 'BEL' "
                       "and commitment_type = 'military_aid'").fetchone() == ("committed",)


WIRE = ("Sweden will donate 30 Archer artillery systems to Ukraine, the government said on Wednesday. "
        "The package is worth about 1 billion euros and includes training for Ukrainian crews. "
        "Deliveries are expected to start in the spring, according to the defence ministry in Stockholm. "
        "Officials said the decision followed a request from Kyiv for more long-range artillery.")


def test_a_syndicated_copy_is_linked_and_counted_once():
    rewrite = WIRE.replace("on Wednesday", "on Wednesday afternoon") + " The opposition backed the move."
    con = build_from_texts({"wire.txt": WIRE, "copy.txt": rewrite},
                           published={"wire.txt": "2026-03-04", "copy.txt": "2026-03-05"},
                           publishers={"wire.txt": "Wire Agency", "copy.txt": "Daily Paper"})
    assert con.execute("select duplicate_of is not null from marts.dim_articles where source_file = 'copy.txt'"
                       ).fetchone() == (True,)
    n_articles, n_sources = con.execute("select n_articles, n_sources from marts.fct_commitments "
                                        "where actor_code = 'SWE' and commitment_type = 'military_aid'").fetchone()
    assert (n_articles, n_sources) == (1, 1)


def test_a_wire_story_republished_by_a_hundred_publishers_is_one_source():
    copies = {f"copy{i:03d}.txt": f"Wire story {i}\n\n" + WIRE + f" Reporting by desk {i}." for i in range(100)}
    con = build_from_texts({"wire.txt": "Wire story\n\n" + WIRE, **copies},
                           published={"wire.txt": "2026-03-04", **{name: "2026-03-05" for name in copies}},
                           publishers={"wire.txt": "Wire Agency", **{name: f"Paper {name}" for name in copies}})
    n_articles, n_sources = con.execute("select n_articles, n_sources from marts.fct_commitments "
                                        "where actor_code = 'SWE' and commitment_type = 'military_aid'").fetchone()
    assert (n_articles, n_sources) == (1, 1)


def test_a_formula_sentence_in_many_articles_does_not_make_them_copies():
    formula = "Sign up for our morning newsletter to get the latest news delivered to your inbox."
    articles = {f"a{i:02d}.txt": f"Story {i}\n\nCountry number {i} will send {i + 10} medics to the region next "
                f"month, its health minister said on day {i}. {formula}" for i in range(60)}
    con = build_from_texts(articles)
    assert con.execute("select count(*) from marts.dim_articles where duplicate_of is not null").fetchone() == (0,)


def test_independent_reports_from_two_publishers_count_twice():
    other = ("Stockholm announced a new military aid package for Ukraine that includes Archer artillery, "
             "the Swedish prime minister told parliament on Thursday, adding that more could follow.")
    con = build_from_texts({"wire.txt": WIRE, "other.txt": other},
                           publishers={"wire.txt": "Wire Agency", "other.txt": "Daily Paper"})
    assert con.execute("select n_sources from marts.fct_commitments "
                       "where actor_code = 'SWE' and commitment_type = 'military_aid'").fetchone() == (2,)


def test_a_non_english_article_is_kept_and_skipped():
    con = build_from_texts({"de.txt": "Deutschland wird der Ukraine weitere Luftabwehrsysteme liefern, sagte der "
                                      "Bundeskanzler am Dienstag in Berlin nach einem Treffen mit Partnern."})
    assert con.execute("select language, is_extractable from marts.dim_articles").fetchone() == ("de", False)
    assert facts(con) == set()


def test_joining_a_naval_mission_is_air_and_sea_security():
    con = one("Turkey offered to host peace talks and said it was ready to take part in a naval mission in the "
              "Black Sea, the foreign minister told reporters.")
    assert ("TUR", "air_sea_security", "conditional") in facts(con)


def test_a_summit_without_pledges_yields_no_facts():
    con = one("The summit ended without any new pledges, and officials said talks would continue in Brussels next "
              "month. Leaders of France, Germany and Poland described the meeting as constructive.")
    assert facts(con) == set()


def test_an_object_that_is_a_gerunds_subject_commits():
    con = one("In response to Spain and Portugal offering to send troops to Ukraine, Moscow summoned both "
              "ambassadors on Friday, the foreign ministry said.")
    assert {("ESP", "troop_deployment"), ("PRT", "troop_deployment")} <= pairs(con)


def test_an_according_to_speaker_is_not_coordinated_with_the_subject():
    con = one("According to Tusk, Warsaw could deploy engineers and troops to western Ukraine once a truce holds, "
              "officials said.")
    assert ("POL", "troop_deployment", "conditional") in facts(con)


def test_a_coordination_opened_by_a_preposition_is_not_the_subject():
    con = one("The draft plan from Denmark and its partners includes a ceasefire monitoring mission led by "
              "Finland, diplomats said on Monday.")
    assert not {p for p in pairs(con) if p[0] in ("DNK", "COALITION")}


# --- any conflict, any actor: world actors, people linked in the article, contributions, beneficiaries ---


def test_states_outside_europe_are_actors_by_name_demonym_and_capital():
    con = one("Malawi will deploy 900 soldiers to the mission. Bolivian troops will also be deployed there. "
              "Dhaka pledged to send two police units to the peacekeeping force.")
    assert {("MWI", "troop_deployment"), ("BOL", "troop_deployment"), ("BGD", "troop_deployment")} <= pairs(con)


def test_regional_organisations_and_their_missions_commit():
    con = one("The Economic Community of West African States (ECOWAS) agreed to deploy a standby force to Guinea-Bissau. "
              "SADC will send troops to eastern Congo, while ASEAN pledged $5 million to Myanmar.")
    assert {("ECOWAS", "troop_deployment"), ("SADC", "troop_deployment"), ("ASEAN", "financial_support")} <= pairs(con)


def test_a_person_introduced_with_a_title_speaks_for_the_state_later_in_the_article():
    con = one("Ghanaian President John Mahama met reporters in Accra on Friday. "
              "Mahama pledged to send 500 troops to the regional force.")
    assert ("GHA", "troop_deployment", "committed") in facts(con)


def test_a_title_after_the_name_links_the_person_too():
    con = one("Defence Minister Rustam Umarov of Uzbekistan arrived on Tuesday. "
              "Umarov said he would not send soldiers to the border mission.")
    assert ("UZB", "troop_deployment", "declined") in facts(con)


def test_troops_from_a_list_of_states_are_each_states_contribution():
    con = one("The new force was agreed in March. The mission will include 1,200 troops from Chad, Niger and Mauritania.")
    assert {("TCD", "troop_deployment"), ("NER", "troop_deployment"), ("MRT", "troop_deployment")} <= pairs(con)


def test_troops_leaving_a_country_are_not_its_contribution():
    con = one("The base closed in May. Russia withdrew 3,000 troops from Armenia last year.")
    assert not {p for p in pairs(con) if p[0] == "ARM"}


def test_money_from_a_donor_is_the_donors_pledge_not_the_recipients():
    con = one("Haiti received new pledges at the conference. Pledges include $40m from Canada and $25m from Brazil.")
    assert {("CAN", "financial_support"), ("BRA", "financial_support")} <= pairs(con)
    assert ("HTI", "financial_support") not in pairs(con)


def test_the_other_party_of_an_agreement_signs_it_too():
    con = one("The talks lasted two days. Vietnam signed a defence cooperation agreement with Indonesia on Monday.")
    assert {("VNM", "agreement"), ("IDN", "agreement")} <= pairs(con)


def test_a_force_list_line_attributes_the_state_before_the_dash():
    con = one("Troop contributions to the new mission:\n\nRwanda – 2,000 troops\n\nSenegal – 650 troops")
    assert {("RWA", "troop_deployment"), ("SEN", "troop_deployment")} <= pairs(con)


def test_neither_nor_declines_for_both_states():
    con = one("The force needs more soldiers. Neither Argentina nor Chile will send troops to the force.")
    assert {("ARG", "troop_deployment", "declined"), ("CHL", "troop_deployment", "declined")} <= facts(con)
    assert not {f for f in facts(con) if f[2] == "committed"}


def test_an_inverted_nor_declines():
    con = one("Mexico will not provide weapons. Nor will Peru provide ammunition to the rebels.")
    assert ("PER", "military_aid", "declined") in facts(con)


def test_weighing_whether_to_send_is_not_a_pledge():
    con = one("Thailand is still weighing whether to send soldiers to the stabilisation force.")
    assert ("THA", "troop_deployment", "committed") not in facts(con)


def test_a_host_rejecting_foreign_forces_is_opposed():
    con = one("The junta said foreign forces are not welcome on Mali's national territory and rejected any "
              "deployment of foreign troops.")
    assert ("MLI", "troop_deployment", "opposed") in facts(con) or not pairs(con) - {("MLI", "troop_deployment")}


def test_a_dateline_city_and_country_are_places_not_actors():
    con = one("Border talks\n\nNAIROBI, Kenya – Uganda and Tanzania signed a security agreement on Monday. "
              "The two leaders spoke afterwards.")
    assert {("UGA", "agreement"), ("TZA", "agreement")} <= pairs(con)
    assert not {p for p in pairs(con) if p[0] == "KEN"}


def test_the_beneficiary_is_read_from_the_sentence_and_never_the_actor_itself():
    con = one("Japan pledged $30 million to Mozambique for humanitarian aid. Japan will also sign an agreement.")
    rows = con.execute("""select actor_code, commitment_type, beneficiary_code, beneficiary_method
                          from marts.fct_commitment_mentions""").fetchall()
    assert ("JPN", "financial_support", "MOZ", "sentence") in rows
    assert all(beneficiary != actor for actor, _, beneficiary, _ in rows)


def test_a_beneficiary_the_text_does_not_name_is_null():
    con = one("The summit of foreign ministers ended on Friday afternoon after two days of talks. "
              "Norway said it will sign the declaration.")
    rows = con.execute("select beneficiary_code from marts.fct_commitment_mentions where actor_code = 'NOR'").fetchall()
    assert rows == [(None,)]


def test_troops_for_a_regional_mission_benefit_the_host_state_not_the_organisation():
    con = one("Somalia asked for help against al-Shabaab. Burundi will contribute 1,000 troops to AUSSOM in Somalia.")
    rows = con.execute("""select beneficiary_code from marts.fct_commitment_mentions
                          where actor_code = 'BDI' and commitment_type = 'troop_deployment'""").fetchall()
    assert rows == [("SOM",)]


def test_participation_takes_the_type_of_the_mission_the_article_is_about():
    con = one("The European Union launched a naval mission to protect shipping in the Red Sea on Monday. "
              "Greece will send a frigate. Portugal is also participating, while Malta will not participate.")
    assert ("PRT", "air_sea_security", "committed") in facts(con)
    assert ("MLT", "air_sea_security", "declined") in facts(con)


def test_participating_in_talks_is_not_a_commitment():
    con = one("Delegations met in Geneva on Monday to discuss the crisis. Iran will participate in the talks "
              "next week.")
    assert not pairs(con)


def test_demonym_troops_that_are_to_lead_a_mission_commit():
    con = one("The regional bloc approved the force in May. Zambian and Namibian troops are to lead the mission.")
    assert {("ZMB", "troop_deployment"), ("NAM", "troop_deployment")} <= pairs(con)


def test_the_title_of_a_person_introduced_in_the_article_stands_for_the_state():
    con = one("Senegalese President Macky Sall spoke in Dakar on Monday. "
              "The president pledged to send 300 soldiers to the regional force.")
    assert ("SEN", "troop_deployment", "committed") in facts(con)


def test_a_title_two_states_share_in_one_article_links_to_neither():
    con = one("Kenyan President William Ruto met Ugandan President Yoweri Museveni on Monday. "
              "The president pledged to send 300 soldiers to the regional force.")
    assert not {p for p in pairs(con) if p[1] == "troop_deployment"}


def test_a_promise_is_a_pledge():
    con = one("The donors met in Doha on Sunday. Qatar promised $20 million to Sudan for food aid, and Canada "
              "promised 300 police officers for the mission. Turkey vowed to send armed drones to the army.")
    assert {("QAT", "financial_support"), ("CAN", "troop_deployment"), ("TUR", "military_aid")} <= pairs(con)


@pytest.mark.parametrize("sentence,expected", [
    # a pledge of units is a deployment, in any decade's wording
    ("Nigeria pledged a battalion of 800 men to the regional force in Liberia.", ("NGA", "troop_deployment", "committed")),
    # a naval or air base built or run for a state is military infrastructure
    ("China agreed to build a naval base in Djibouti, officials in Beijing said.",
     ("CHN", "military_infrastructure", "committed")),
    # training another state's forces is military aid, whoever the trainees are
    ("India will train Afghan army officers at its military academies.", ("IND", "military_aid", "committed")),
    # denying an act is no commitment to it
    ("Iran denied supplying weapons to the rebels in Yemen.", ("IRN", "military_aid", "declined")),
])
def test_general_wordings_of_units_bases_training_and_denials(sentence, expected):
    con = in_article(sentence)
    assert expected in facts(con)


@pytest.mark.parametrize("sentence,expected", [
    ("Pakistan offered to send a company of military engineers to the UN mission in Somalia.",
     {("PAK", "troop_deployment", "committed")}),
    # leading a mission commits the leader, not only the mission's organisation
    ("Brazil will lead the UN stabilization mission in Haiti with 1,200 troops.", {("BRA", "troop_deployment", "committed")}),
    ("Moscow vowed to keep its troops in Transnistria.", {("RUS", "troop_deployment", "committed")}),
    ("The Chinese foreign ministry said Beijing opposes any foreign military presence in the South China Sea.",
     {("CHN", "troop_deployment", "opposed")}),
    ("The Indian navy will escort merchant vessels through the Gulf of Aden.", {("IND", "air_sea_security", "committed")}),
    ("Qatar pledged to rebuild 10,000 homes destroyed in the war.", {("QAT", "reconstruction", "committed")}),
    ("Thailand has agreed to host a regional counter-terrorism training centre.",
     {("THA", "military_infrastructure", "committed")}),
    ("The Nigerian-led force will include troops from Niger, Chad and Cameroon.",
     {("NER", "troop_deployment", "committed"), ("TCD", "troop_deployment", "committed"),
      ("CMR", "troop_deployment", "committed")}),
    # a state's office holder with a title of several words speaks for the state
    ("Saudi Arabia's crown prince promised $2 billion in aid to Pakistan.", {("SAU", "financial_support", "committed")}),
    ("Oman's sultan offered to fund the rebuilding of the port.", {("OMN", "financial_support", "committed")}),
    ("Kenya's deputy president said Nairobi would send 500 police officers to Haiti.",
     {("KEN", "troop_deployment", "committed")}),
])
def test_wordings_from_other_regions_and_decades(sentence, expected):
    con = in_article(sentence)
    assert expected <= facts(con)


def test_a_states_interest_is_not_its_office_holder():
    con = in_article("Kenya's national interest is served by sending troops abroad, analysts said.")
    assert not {f for f in facts(con) if f[0] == "KEN"}


@pytest.mark.parametrize("sentence,expected", [
    ("Indonesia said it has no intention of sending troops.", ("IDN", "troop_deployment", "declined")),
    ("Zambia is yet to decide whether to send troops to the mission.", ("ZMB", "troop_deployment", "conditional")),
    # opposing someone else's arms deliveries is opposition to that aid
    ("China condemned the arms sales to Taiwan.", ("CHN", "military_aid", "opposed")),
])
def test_stance_wordings_no_intention_undecided_and_condemning_arms_sales(sentence, expected):
    con = in_article(sentence)
    assert expected in facts(con)


def test_arms_sales_alone_are_no_commitment_of_anyone():
    con = in_article("Arms sales to the region rose last year, a research institute reported.")
    assert not {f for f in facts(con) if f[1] == "military_aid"}


@pytest.mark.parametrize("sentence,expected", [
    ("Saudi Arabia deposited $5 billion in Egypt's central bank to shore up its reserves.",
     {("SAU", "financial_support", "committed")}),
    ("The Netherlands and Belgium will jointly patrol the North Sea.",
     {("NLD", "air_sea_security", "committed"), ("BEL", "air_sea_security", "committed")}),
])
def test_deposits_are_money_and_patrolling_a_sea_is_sea_security(sentence, expected):
    con = in_article(sentence)
    assert expected <= facts(con)


@pytest.mark.parametrize("sentence,expected", [
    ("The EU will pay the salaries of the African Union troops in Somalia.", ("EU", "financial_support", "committed")),
    ("NATO will deploy additional battlegroups to Slovakia and Hungary.", ("NATO", "troop_deployment", "committed")),
    ("Beijing has denied plans to build a military base in Cambodia.", ("CHN", "military_infrastructure", "declined")),
    ("Colombia will not hand over its Russian-made helicopters to Ukraine.", ("COL", "military_aid", "declined")),
    # arms sales are military aid (the contract's military_aid covers deliveries, whoever pays)
    ("Turkey agreed to sell 40 F-16 fighter jets to Indonesia.", ("TUR", "military_aid", "committed")),
])
def test_salaries_battlegroups_denied_plans_helicopters_and_arms_sales(sentence, expected):
    con = in_article(sentence)
    assert expected in facts(con)


@pytest.mark.parametrize("sentence,expected,not_expected", [
    ("The United States will provide more weapons to Ukrainian forces.", ("USA", "military_aid", "committed"),
     ("USA", "troop_deployment")),
    ("Uganda has offered to train Somali soldiers.", ("UGA", "military_aid", "committed"), ("UGA", "troop_deployment")),
    ("Britain will supply ammunition to Kurdish troops.", ("GBR", "military_aid", "committed"),
     ("GBR", "troop_deployment")),
])
def test_troops_that_receive_aid_are_not_a_deployment_by_the_giver(sentence, expected, not_expected):
    con = in_article(sentence)
    assert expected in facts(con) and not_expected not in pairs(con)


@pytest.mark.parametrize("sentence,expected", [
    ("France will send 300 troops to support Malian forces.", ("FRA", "troop_deployment", "committed")),
    ("Portugal and Spain are promising to send forces.", ("ESP", "troop_deployment", "committed")),
    ("Japan is ready to send its self-defense forces.", ("JPN", "troop_deployment", "conditional")),
])
def test_a_deployments_own_troops_are_still_a_deployment(sentence, expected):
    con = in_article(sentence)
    assert expected in facts(con)


@pytest.mark.parametrize("sentence,expected", [
    ("Norway will chair the committee overseeing the truce between the two sides.",
     {("NOR", "ceasefire_monitoring", "committed")}),
    ("Malaysia will lead the international monitoring team in Mindanao.", {("MYS", "ceasefire_monitoring", "committed")}),
    ("France promised to defend the UAE in case of attack under a 2009 agreement.",
     {("FRA", "security_guarantee", "committed")}),
    # a mutual-defence clause is a guarantee by every party
    ("Russia and North Korea signed a treaty obliging each to provide military assistance if the other is attacked.",
     {("RUS", "security_guarantee", "committed"), ("PRK", "security_guarantee", "committed")}),
])
def test_overseeing_truces_monitoring_teams_and_defence_if_attacked(sentence, expected):
    con = in_article(sentence)
    assert expected <= facts(con)


@pytest.mark.parametrize("sentence,expected", [
    # the possessor or demonym of an act noun is its actor
    ("Kenya's decision to send 1,000 police officers to Haiti was challenged in court.",
     ("KEN", "troop_deployment", "committed")),
    ("The Kenyan offer to send police officers to Haiti was accepted.", ("KEN", "troop_deployment", "committed")),
    # materiel delivered, in the passive, by its giver
    ("Ten F-16 jets were delivered to Jordan by the Netherlands.", ("NLD", "military_aid", "committed")),
])
def test_act_nouns_and_passive_deliveries_name_their_actor(sentence, expected):
    con = in_article(sentence)
    assert expected in facts(con)


def test_a_states_decision_about_something_else_commits_it_to_nothing():
    con = in_article("Kenya's decision to raise fuel taxes was challenged in court.")
    assert not {f for f in facts(con) if f[0] == "KEN"}


@pytest.mark.parametrize("sentence,expected,not_expected", [
    ("The deployment of Rwandan troops to Mozambique began in July.", {("RWA", "troop_deployment", "committed")}, set()),
    # the host that approves a deployment is not its deployer
    ("Mozambique approved the deployment of Rwandan troops.", {("RWA", "troop_deployment", "committed")},
     {("MOZ", "troop_deployment")}),
    ("The dispatch of 800 Egyptian and Tanzanian soldiers was delayed.",
     {("EGY", "troop_deployment", "committed"), ("TZA", "troop_deployment", "committed")}, set()),
])
def test_the_demonym_of_deployed_troops_names_the_deployer(sentence, expected, not_expected):
    con = in_article(sentence)
    assert expected <= facts(con) and not (not_expected & pairs(con))


@pytest.mark.parametrize("sentence,expected", [
    # states of other decades: dissolved ones keep their ISO 3166-3 code, renamed ones are their successor
    ("The Soviet Union agreed to send military advisers to Angola.", ("SUN", "military_aid", "committed")),
    ("Czechoslovakia agreed to supply tanks to Syria.", ("CSK", "military_aid", "committed")),
    ("Zaire pledged to send 500 troops to the regional force.", ("COD", "troop_deployment", "committed")),
    ("West Germany pledged 500 million marks to Turkey.", ("DEU", "financial_support", "committed")),
])
def test_states_and_currencies_of_other_decades(sentence, expected):
    con = in_article(sentence)
    assert expected in facts(con)


@pytest.mark.parametrize("sentence,text,value,unit", [
    ("China pledged 60 billion yuan in loans to African countries.", "60 billion yuan", 60e9, "yuan"),
    ("Saudi Arabia will provide 10 billion riyals to Pakistan.", "10 billion riyals", 10e9, "riyals"),
    ("India announced 500 crore rupees in aid for Sri Lanka.", "500 crore rupees", 5e9, "rupees"),
])
def test_money_in_any_currency_is_financial_support_with_its_amount(sentence, text, value, unit):
    con = in_article(sentence)
    row = con.execute("select quantity_text, quantity_value, quantity_unit from marts.fct_commitment_mentions "
                      "where commitment_type = 'financial_support'").fetchone()
    assert row == (text, value, unit)


@pytest.mark.parametrize("article,expected", [
    ("Indian Prime Minister Indira Gandhi spoke in Delhi on Monday. Gandhi pledged 100 million rupees to the refugee fund.",
     ("IND", "financial_support", "committed")),
    ("Japanese Prime Minister Fumio Kishida met allies in Tokyo. Kishida pledged to send 200 troops to the mission.",
     ("JPN", "troop_deployment", "committed")),
    ("South African President Cyril Ramaphosa met leaders on Monday. Ramaphosa pledged to send 1,300 troops to Mozambique.",
     ("ZAF", "troop_deployment", "committed")),
])
def test_a_person_introduced_with_a_two_word_title_speaks_for_the_state_later(article, expected):
    con = in_article(article)
    assert expected in facts(con)


@pytest.mark.parametrize("sentence,expected", [
    ("UN peace-keepers from Fiji will be deployed to Lebanon.", ("FJI", "troop_deployment", "committed")),
    ("Nepalese peace-keepers will be deployed to the mission.", ("NPL", "troop_deployment", "committed")),
])
def test_peace_keepers_with_a_hyphen_are_peacekeepers(sentence, expected):
    con = in_article(sentence)
    assert expected in facts(con)


@pytest.mark.parametrize("sentence,expected", [
    ("Uganda is not expected to contribute troops.", ("UGA", "troop_deployment", "declined")),
    ("Ghana could not afford to send troops, the minister said.", ("GHA", "troop_deployment", "declined")),
    # pending a parliament's approval is conditional (a trigger such as "if there is an intervention" is not)
    ("Tanzania announced it will send soldiers, provided that parliament approves.",
     ("TZA", "troop_deployment", "conditional")),
    ("Kenya said it would send troops if the violence spread.", ("KEN", "troop_deployment", "committed")),
])
def test_negated_expectations_and_approval_provisos(sentence, expected):
    con = in_article(sentence)
    assert expected in facts(con)


RELATIVE_CLAUSES = [
    # the object stands before its verb: the cue is the verb, and its subject is who promised
    ("The tanks that Germany promised to the army last year have yet to arrive.", ("DEU", "military_aid", "committed")),
    ("The 400 soldiers that Chad sent to the border last year will return home.", ("TCD", "troop_deployment", "committed")),
    ("Kenya said the weapons which the United States had pledged would arrive in May.",
     ("USA", "military_aid", "committed")),
]


def test_a_commitment_in_a_relative_clause_belongs_to_the_clause_subject():
    assert_each_gives([(s, {expected}) for s, expected in RELATIVE_CLAUSES] + [
        ("The missiles that hit the city were supplied by an unknown source.", set()),
        ("The troops that attacked the village were not identified.", set())])


def test_a_capitalised_may_is_a_month_or_a_name_not_a_hedge():
    con = in_articles(["Britain will send 500 troops to Estonia in May, Theresa May said.",
                       "Japan may send engineers and troops to South Sudan next year."])
    assert facts(con, "a.txt") == {("GBR", "troop_deployment", "committed")}
    assert facts(con, "b.txt") == {("JPN", "troop_deployment", "conditional")}


def test_the_country_stands_for_the_state_named_before_it_but_not_as_a_possessive():
    con = in_articles([
        "According to Kenya's defence minister, the country will send 1,000 troops to Haiti.",
        "Fiji's leader said the island nation would contribute soldiers to the mission.",
        "France has about 1,500 troops in Niger, most of whom are confined to the country's military base."])
    assert ("KEN", "troop_deployment", "committed") in facts(con, "a.txt")
    assert ("FJI", "troop_deployment", "committed") in facts(con, "b.txt")
    assert ("FRA", "military_infrastructure", "committed") not in facts(con, "c.txt")


BASES_SALES_MANDATES = [
    ("Washington approved the sale of 66 F-16 fighter jets to Taipei.", {("USA", "military_aid", "committed")}),
    # the value of a sale is no funding
    ("The State Department approved seven arms sales to Taiwan worth about 1.4 billion dollars.",
     {("USA", "military_aid", "committed")}),
    ("The Philippines will allow US forces to use four more military bases.",
     {("PHL", "military_infrastructure", "committed")}),
    ("The African Union agreed to extend the mandate of its mission in Somalia by six months.",
     {("AU", "troop_deployment", "committed")}),
    ("Morocco would not participate in any military operation in Libya, its foreign minister said.",
     {("MAR", "troop_deployment", "declined")}),
    ("President Ferdinand Marcos Jr. denied the Philippines has plans to grant the United States access to more "
     "military sites.", {("PHL", "military_infrastructure", "declined")}),
    # a host refusing foreign bases or troops opposes them; calling them an invasion does too
    ("Cambodia will not allow foreign military bases on its soil, the prime minister said.",
     {("KHM", "military_infrastructure", "opposed")}),
    ("Beijing warned that any foreign troops on the island would be seen as an invasion.",
     {("CHN", "troop_deployment", "opposed")}),
    # counter-examples: the same verbs about other things
    ("The committee approved the sale of the state airline to Egypt.", set()),
    ("The bank of Ghana extended the mandate of its governor.", set()),
    ("No foreign minister was allowed to speak at the summit, Egypt said.", set()),
]


def test_sales_approved_bases_opened_or_refused_mandates_extended_and_denied_plans():
    assert_each_gives(BASES_SALES_MANDATES)


OTHER_DECADES_AND_BACKSTOPS = [
    # organisations and weapons of other decades
    ("The Organisation of African Unity sent a peacekeeping force to Chad in 1981.",
     {("OAU", "troop_deployment", "committed")}),
    ("The Warsaw Pact sent troops into Czechoslovakia in 1968.", {("WARSAW_PACT", "troop_deployment", "committed")}),
    ("The Soviet Union agreed to supply Egypt with MiG fighters in 1955.", {("SUN", "military_aid", "committed")}),
    # defending another state if a third attacks is a guarantee
    ("The US pledged to defend Taiwan if China attacked, the president said.",
     {("USA", "security_guarantee", "committed")}),
    # to backstop a force is to guarantee it, not to send it
    ("Washington has committed to backstop the multinational force, according to the declaration.",
     {("USA", "security_guarantee", "committed")}),
    ("Thousands of migrants were sent back to Libya.", set()),
    ("There would be real backstops to prevent a new war, the envoy said.", set()),
]


def test_organisations_and_weapons_of_other_decades_defence_if_attacked_and_backstops():
    assert_each_gives(OTHER_DECADES_AND_BACKSTOPS)


PASSIVES_RECEIPTS_AND_PURCHASES = [
    # a passive pledge of money belongs to its agent
    ("A further $500 million was pledged by Saudi Arabia at the conference.",
     {("SAU", "financial_support", "committed")}),
    # what a state receives or buys "from" others is their aid (arms sales are military aid)
    ("Ukraine will receive 12 F-16 jets from the Netherlands and Denmark.",
     {("NLD", "military_aid", "committed"), ("DNK", "military_aid", "committed")}),
    ("India bought S-400 air defence systems from Russia in 2018.", {("RUS", "military_aid", "committed")}),
    # a number written with a comma still counts the soldiers trained
    ("The European Union will train 15,000 Ukrainian soldiers this year.", {("EU", "military_aid", "committed")}),
    ("$500 million was lost in the crash, Kenya said.", set()),
    ("The army received orders from the capital.", set()),
]


def test_passive_pledges_receipts_and_purchases_name_the_giver():
    assert_each_gives(PASSIVES_RECEIPTS_AND_PURCHASES)


def test_approval_by_a_council_makes_a_pledge_conditional_and_dismissing_a_force_opposes_it():
    con = in_articles([
        "Zimbabwe will only send troops if the UN Security Council approves the mission.",
        "Kenya will send troops once parliament approves the deployment.",
        "The Kremlin dismissed the idea of a European peacekeeping force in Ukraine as unacceptable.",
        "Kenya said it would send troops if the violence spread."])
    assert facts(con, "a.txt") == {("ZWE", "troop_deployment", "conditional")}
    assert facts(con, "b.txt") == {("KEN", "troop_deployment", "conditional")}
    assert facts(con, "c.txt") == {("RUS", "troop_deployment", "opposed")}
    # a trigger is no approval: the pledge stays firm
    assert facts(con, "d.txt") == {("KEN", "troop_deployment", "committed")}


def test_a_quote_before_its_speaker_keeps_its_negation_and_a_naval_mission_is_no_deployment():
    con = in_articles([
        "\u201cWe will not send a single soldier,\u201d Hungarian Prime Minister Viktor Orban said.",
        "The French president, Emmanuel Macron, said Britain would lead the naval mission.",
        "Leaders asked Solomon Islands to consider not signing the proposed security agreement with China."])
    assert facts(con, "a.txt") == {("HUN", "troop_deployment", "declined")}
    assert facts(con, "b.txt") == {("GBR", "air_sea_security", "committed")}
    # a party named after the agreement is not the one asked not to sign
    assert ("CHN", "agreement", "declined") not in facts(con, "c.txt")


def test_a_negation_does_not_reach_past_but_into_the_next_clause():
    con = in_articles([
        "Japan will not send troops but will finance the reconstruction of the country's power grid.",
        "Portugal will send a frigate to the Red Sea but may recall it next year, officials said.",
        "Neither Germany nor Poland will deploy troops on Ukrainian soil."])
    assert ("JPN", "troop_deployment", "declined") in facts(con, "a.txt")
    assert ("JPN", "reconstruction", "committed") in facts(con, "a.txt")
    assert ("JPN", "reconstruction", "declined") not in facts(con, "a.txt")
    assert ("PRT", "air_sea_security", "committed") in facts(con, "b.txt")
    assert facts(con, "c.txt") == {("DEU", "troop_deployment", "declined"), ("POL", "troop_deployment", "declined")}


def test_a_training_centre_is_infrastructure_not_training_and_other_units_deploy():
    con = in_articles([
        "Colombia offered to host a NATO training centre, President Duque said.",
        "Mexico said it would not send its National Guard abroad.",
        "Thailand will contribute an engineering company to the UN mission in South Sudan.",
        "Britain has offered military training."])
    assert facts(con, "a.txt") == {("COL", "military_infrastructure", "committed")}
    assert facts(con, "b.txt") == {("MEX", "troop_deployment", "declined")}
    assert facts(con, "c.txt") == {("THA", "troop_deployment", "committed")}
    assert facts(con, "d.txt") == {("GBR", "military_aid", "committed")}


def test_the_government_of_a_state_acts_for_it_but_its_allies_do_not():
    con = in_articles([
        "The government of Kenya will send troops to Haiti.",
        "The allies of Ukraine agreed to provide air defence systems.",
        "The Republic of Korea dispatched two divisions to South Vietnam."])
    assert facts(con, "a.txt") == {("KEN", "troop_deployment", "committed")}
    assert not {f for f in facts(con, "b.txt") if f[0] == "UKR"}
    assert facts(con, "c.txt") == {("KOR", "troop_deployment", "committed")}


def test_a_commitment_asked_of_someone_is_nobodys_commitment():
    con = in_articles([
        "Haiti asked Kenya to send police officers to Port-au-Prince.",
        "Somalia urged Egypt to deploy troops quickly.",
        "Ukraine called on its allies to provide more air defence systems.",
        "The UN invited Rwanda to contribute troops, and Kigali agreed to send 500 soldiers."])
    assert facts(con, "a.txt") == facts(con, "b.txt") == facts(con, "c.txt") == set()
    # the answer to a request is a commitment
    assert facts(con, "d.txt") == {("RWA", "troop_deployment", "committed")}


def test_seats_of_government_of_other_decades_name_their_state():
    con = in_articles([
        "Bonn will provide 200 million marks in aid to Israel.",
        "The Soviets shipped missiles to Cuba in 1962.",
        "Peking pledged to send troops to Korea.",
        "Her Majesty's Government will station a battalion in Belize."])
    assert facts(con, "a.txt") == {("DEU", "financial_support", "committed")}
    assert facts(con, "b.txt") == {("SUN", "military_aid", "committed")}
    assert facts(con, "c.txt") == {("CHN", "troop_deployment", "committed")}
    assert facts(con, "d.txt") == {("GBR", "troop_deployment", "committed")}


def test_a_comma_ends_a_pledge_verbs_reach_and_an_armed_attack_is_an_attack():
    con = in_articles([
        "Of the $10 billion pledged, Saudi Arabia gave $4 billion to the fund.",
        "The deal commits Washington to defend Manila in case of an armed attack."])
    assert facts(con, "a.txt") == {("SAU", "financial_support", "committed")}
    assert facts(con, "b.txt") == {("USA", "security_guarantee", "committed")}


def test_troops_a_mission_is_joined_by_come_from_their_states():
    con = in_articles(["The Kenyan contingent, which arrived in June, will be joined by troops from Jamaica.",
                       "The mission will be joined by 300 police officers from Benin and Chad."])
    assert ("JAM", "troop_deployment", "committed") in facts(con, "a.txt")
    assert facts(con, "b.txt") == {("BEN", "troop_deployment", "committed"), ("TCD", "troop_deployment", "committed")}


def test_a_troop_count_in_brackets_after_a_state_is_its_contribution():
    con = in_articles(["Contributors to the force include Kenya (1,000 troops), Jamaica and the Bahamas.",
                       "The attack (which killed 12 soldiers) was condemned by Kenya."])
    assert ("KEN", "troop_deployment", "committed") in facts(con, "a.txt")
    assert facts(con, "b.txt") == set()


def test_shielding_or_protecting_merchant_vessels_is_maritime_security():
    con = in_articles(["India will protect merchant vessels in the Arabian Sea.",
                       "The Houthis vowed to keep attacking ships in the Red Sea."])
    assert facts(con, "a.txt") == {("IND", "air_sea_security", "committed")}
    assert facts(con, "b.txt") == set()


def test_said_before_a_coordinated_subject_starts_a_clause_and_logistics_hubs_and_intelligence_count():
    con = in_articles([
        "Starmer said Britain and France would establish military hubs across Ukraine.",
        "Britain will send troops, said Starmer on Tuesday.",
        "The US will not put boots on the ground but will provide intelligence and logistics, Witkoff said.",
        "Poland will act as a logistics hub but will not send soldiers, Tusk said."])
    assert facts(con, "a.txt") == {("GBR", "military_infrastructure", "committed"),
                                   ("FRA", "military_infrastructure", "committed")}
    assert facts(con, "b.txt") == {("GBR", "troop_deployment", "committed")}
    assert facts(con, "c.txt") == {("USA", "troop_deployment", "declined"), ("USA", "military_aid", "committed")}
    assert facts(con, "d.txt") == {("POL", "military_infrastructure", "committed"), ("POL", "troop_deployment", "declined")}


def test_leaders_of_other_decades_speak_for_their_state_and_armoured_divisions_deploy():
    con = in_articles([
        "Nasser sent 70,000 Egyptian troops to Yemen.",
        "Iraq sent an armoured division to Syria during the October War.",
        "Brezhnev pledged to supply tanks to Egypt."])
    assert facts(con, "a.txt") == {("EGY", "troop_deployment", "committed")}
    assert facts(con, "b.txt") == {("IRQ", "troop_deployment", "committed")}
    assert facts(con, "c.txt") == {("SUN", "military_aid", "committed")}
