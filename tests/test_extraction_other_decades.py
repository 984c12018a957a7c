"""Who commits to what in the register of other decades and other regions: wire copy about airlifts,
troop contributors, suspended aid and leaders named by surname. Sentences written for these tests."""

from __future__ import annotations

from helpers import as_article, assert_each_gives, build_from_texts, facts

TROOPS_MOVED_AND_KEPT = [
    # troops flown, rushed or ordered somewhere are sent there (but an air force flying a mission is not)
    ("Morocco airlifted 1,500 soldiers to Zaire to defend Shaba province.", {("MAR", "troop_deployment", "committed")}),
    ("Belgian commandos were flown to Kigali on Sunday.", {("BEL", "troop_deployment", "committed")}),
    ("President Eisenhower ordered 14,000 marines into Lebanon on Tuesday.", {("USA", "troop_deployment", "committed")}),
    ("The patrols will be flown from the air base by the German Air Force.", set()),
    ("The general ordered troops to withdraw from the border.", set()),
    # contributors, troops serving with a mission, forming its bulk, staying on, on the ground
    ("Uganda and Burundi are the main troop contributors to the African Union mission in Somalia.",
     {("UGA", "troop_deployment", "committed"), ("BDI", "troop_deployment", "committed")}),
    ("Rwanda has about 2,000 troops serving with the UN mission in Darfur.", {("RWA", "troop_deployment", "committed")}),
    ("Pakistani peacekeepers make up the largest contingent of the force.", {("PAK", "troop_deployment", "committed")}),
    ("A Malaysian battalion arrived in Mogadishu on Friday.", {("MYS", "troop_deployment", "committed")}),
    ("Australian and New Zealand troops will remain in Solomon Islands until order is restored.",
     {("AUS", "troop_deployment", "committed"), ("NZL", "troop_deployment", "committed")}),
    ("The UAE and Saudi Arabia have troops on the ground in Yemen.",
     {("ARE", "troop_deployment", "committed"), ("SAU", "troop_deployment", "committed")}),
    ("Fighting between government troops and rebels killed 40 people in Jaffna on Sunday.", set()),
]


def test_troops_airlifted_ordered_in_serving_or_staying_are_deployed():
    assert_each_gives(TROOPS_MOVED_AND_KEPT)


AID_GIVEN_STOPPED_AND_OPPOSED = [
    # arming and training armed groups is military aid; a sale opposed by a third state is opposed
    ("Tehran is arming and training Shiite militias in Iraq, American commanders say.",
     {("IRN", "military_aid", "committed")}),
    ("Israel opposed the sale of F-15 fighters to Saudi Arabia.", {("ISR", "military_aid", "opposed")}),
    # suspending aid is saying it will not be given; frozen assets that fund a loan are no refusal
    ("Washington suspended military aid to Pakistan after the nuclear test.", {("USA", "military_aid", "declined")}),
    ("Japan agreed to use frozen Russian assets to fund a $50 billion loan to Ukraine.",
     {("JPN", "financial_support", "committed")}),
    # lines of credit, a possessor's contribution, a guarantee given or refused
    ("India extended a line of credit of $500 million to Bangladesh.", {("IND", "financial_support", "committed")}),
    ("Japan's contribution will amount to 13 billion dollars.", {("JPN", "financial_support", "committed")}),
    ("France guaranteed the security of Chad against Libyan aggression.", {("FRA", "security_guarantee", "committed")}),
    ("The United States has given no security guarantee to Ukraine, the State Department said.",
     {("USA", "security_guarantee", "declined")}),
    ("Officials gave no further details on the pledge of troops by Ghana.", {("GHA", "troop_deployment", "committed")}),
]


def test_arming_suspending_and_guaranteeing_are_read_with_their_stance():
    assert_each_gives(AID_GIVEN_STOPPED_AND_OPPOSED)


LEADERS_AND_BODIES = [
    # leaders of other decades speak for their state, by surname where the surname is theirs alone
    ("The Reagan administration will sell AWACS radar planes to Saudi Arabia.", {("USA", "military_aid", "committed")}),
    ("Mrs Gandhi ordered the army into East Pakistan.", {("IND", "troop_deployment", "committed")}),
    ("King Hussein and Mr Rabin signed the peace treaty at the border crossing.",
     {("JOR", "agreement", "committed"), ("ISR", "agreement", "committed")}),
    # observers and monitors named by nationality are their state's; a qualified government is its state's
    ("Soviet and American observers will supervise the truce.",
     {("SUN", "ceasefire_monitoring", "committed"), ("USA", "ceasefire_monitoring", "committed")}),
    ("Somalia's federal government endorsed the communique.", {("SOM", "agreement", "committed")}),
    # what a reporter expects is not yet done
    ("Zimbabwe is expected to sign the accord next month.", {("ZWE", "agreement", "conditional")}),
]


def test_leaders_observers_and_qualified_governments_speak_for_their_state():
    assert_each_gives(LEADERS_AND_BODIES)


PACTS_OPPOSED_AND_ARMS_SOLD = [
    # a third state rejecting or protesting a pact opposes it; the parties that signed it do not
    ("Somalia rejected the memorandum of understanding signed by Ethiopia and Somaliland.",
     {("SOM", "agreement", "opposed")}),
    ("Beijing protested against the defence pact between Manila and Tokyo.", {("CHN", "agreement", "opposed")}),
    ("The deal was sealed despite threats from Hungary to veto the move.", set()),
    # saying a sale undermines confidence or runs counter to an accord is opposing it
    ("India said the supply of F-16 jets to Pakistan would harm regional stability.",
     {("IND", "military_aid", "opposed")}),
    ("Australia said it was deeply disappointed by the signing of the security pact.",
     {("AUS", "agreement", "opposed")}),
    ("Australia and Papua New Guinea committed to come to each other's aid if attacked.",
     {("AUS", "security_guarantee", "committed"), ("PNG", "security_guarantee", "committed")}),
    # the value of an arms sale is no money given; gifts and missile systems are arms
    ("Washington approved a $1.2 billion sale of F-16 parts to Pakistan.", {("USA", "military_aid", "committed")}),
    ("New Delhi gifted two Dornier aircraft to the Sri Lankan navy.", {("IND", "military_aid", "committed")}),
    ("Russia delivered S-400 missile systems to Turkey in July.", {("RUS", "military_aid", "committed")}),
    # a participle after a comma belongs to the sentence's subject, not to the place before the comma
    ("Kenya has agreed to lead a multinational security mission in Haiti, sending 1,000 police officers.",
     {("KEN", "troop_deployment", "committed")}),
    ("Brazilian peacekeepers led the UN mission in Haiti for 13 years.", {("BRA", "troop_deployment", "committed")}),
]


def test_opposed_pacts_arms_sales_and_participles_after_a_comma():
    assert_each_gives(PACTS_OPPOSED_AND_ARMS_SOLD)


WHO_THE_PARTS_OF_A_SENTENCE_ARE = [
    # "the two countries" after a sentence naming two actors is both of them, object or not
    ("President Marcos received Japanese Prime Minister Kishida in Manila on Friday. "
     "The two countries signed a reciprocal access agreement.",
     {("PHL", "agreement", "committed"), ("JPN", "agreement", "committed")}),
    # a second clause with its own subject and auxiliary is not the first clause's conjunct
    ("Kenya will lead the force and Uganda, Burundi and South Sudan will contribute troops.",
     {("KEN", "troop_deployment", "committed"), ("UGA", "troop_deployment", "committed"),
      ("BDI", "troop_deployment", "committed"), ("SSD", "troop_deployment", "committed")}),
    ("France will send troops and will provide air defence systems to Estonia.",
     {("FRA", "troop_deployment", "committed"), ("FRA", "military_aid", "committed")}),
    # a buyer of arms is not their supplier
    ("Egypt has become a major buyer of French weapons.", set()),
    # boots on the ground are troops; a negation that runs up to the subject is the subject's
    ("The agreement does not mean US boots on the ground, the official said.", {("USA", "troop_deployment", "declined")}),
    ("There will be no American boots on the ground, the president said.", {("USA", "troop_deployment", "declined")}),
    ("Russia has boots on the ground in Syria.", {("RUS", "troop_deployment", "committed")}),
]


def test_the_two_countries_a_clause_with_its_own_subject_a_buyer_and_boots_are_read_as_written():
    assert_each_gives(WHO_THE_PARTS_OF_A_SENTENCE_ARE)


GUARANTEES_MONITORS_AND_MONEY = [
    # guarantees in the words of other decades: an umbrella, a state's independence, an attack on one
    ("Washington extended its nuclear umbrella to Japan.", {("USA", "security_guarantee", "committed")}),
    ("Britain and France guaranteed Poland's independence in March 1939.",
     {("GBR", "security_guarantee", "committed"), ("FRA", "security_guarantee", "committed")}),
    ("Egypt vowed to defend Saudi Arabia against any Iranian aggression.", {("EGY", "security_guarantee", "committed")}),
    ("Moscow would treat an attack on Belarus as an attack on Russia, the Kremlin said.",
     {("RUS", "security_guarantee", "committed")}),
    # the receiver of a giving verb is no giver, even right before the thing given
    ("Washington has refused to give Ukraine security guarantees.", {("USA", "security_guarantee", "declined")}),
    ("The African Union will deploy monitors to verify the cessation of hostilities in Tigray.",
     {("AU", "ceasefire_monitoring", "committed")}),
    # money written with a currency code, debts written off, troops that served with a mission
    ("Oslo will contribute NOK 300 million to the World Bank fund for Afghanistan.",
     {("NOR", "financial_support", "committed")}),
    ("China wrote off $200 million of Zambia's debt.", {("CHN", "financial_support", "committed")}),
    ("Irish peacekeepers have served with UNIFIL in southern Lebanon since 1978.",
     {("IRL", "troop_deployment", "committed")}),
    ("Ghana's debt rose to $50 billion last year, the finance ministry said.", set()),
]


def test_guarantees_monitoring_and_money_in_the_words_of_other_decades():
    assert_each_gives(GUARANTEES_MONITORS_AND_MONEY)


SEAS_AND_SKIES = [
    # an air force or navy taking over a mission, deploying jets, joining a maritime force, patrolling a gulf
    ("The Italian Air Force will take over the NATO air policing mission in the Baltics.",
     {("ITA", "air_sea_security", "committed")}),
    ("Spain's Air Force has deployed eight F-18s to Siauliai.", {("ESP", "air_sea_security", "committed")}),
    ("Pakistan will send a warship to join the combined maritime force patrolling the Arabian Sea.",
     {("PAK", "air_sea_security", "committed")}),
    # a short English text the language model reads as Nigerian Pidgin is still extracted
    ("The Nigerian Navy will patrol the Gulf of Guinea with Ghana and Togo.", {("NGA", "air_sea_security", "committed")}),
]


def test_air_forces_and_navies_take_over_missions_and_patrol_seas():
    assert_each_gives(SEAS_AND_SKIES)


TRUCES_AND_VESSELS = [
    # agreeing to or accepting a truce is an agreement; being willing to accept "an agreement" is none
    ("Russia and Turkey agreed on a ceasefire in Idlib.",
     {("RUS", "agreement", "committed"), ("TUR", "agreement", "committed")}),
    ("Ethiopia's government and the TPLF agreed to a permanent cessation of hostilities.",
     {("ETH", "agreement", "committed")}),
    ("Everything depends on whether Russia is willing to accept an agreement.", set()),
    # vessels handed over are arms, not patrols; an amount in military assistance is no money given
    ("India handed over a Kilo-class submarine to Myanmar's navy.", {("IND", "military_aid", "committed")}),
    ("Japan will transfer patrol vessels to the Philippine coast guard.", {("JPN", "military_aid", "committed")}),
    ("The US will provide Taiwan with $345 million in military assistance from its own stocks.",
     {("USA", "military_aid", "committed")}),
    # taking part in an organisation's mission is a deployment
    ("Egyptian forces will take part in the new AU mission in Somalia.", {("EGY", "troop_deployment", "committed")}),
]


def test_truces_agreed_vessels_handed_over_and_organisation_missions_joined():
    assert_each_gives(TRUCES_AND_VESSELS)


def test_a_negated_past_no_one_is_quoted_saying_is_an_observation_not_a_refusal():
    assert_each_gives([
        ("However, this time Zambia, Zimbabwe and Angola haven't contributed troops as in previous wars.", set()),
        ("Kenya has never sent troops to Somalia before this year.", set()),
        # said by the actor, or with a refusal for the future beside it, it is a refusal
        ("Hungary said it had not sent weapons to Ukraine.", {("HUN", "military_aid", "declined")}),
        ("Brazil has not sent weapons to Ukraine and will not do so, Lula said.", {("BRA", "military_aid", "declined")}),
        ("Germany will not send Taurus missiles to Ukraine.", {("DEU", "military_aid", "declined")}),
    ])


def test_a_receiver_a_strike_and_a_depot_are_not_what_they_resemble():
    assert_each_gives([
        # the receiver inside a giving cue is not its giver
        ("Ukraine and Japan signed a security agreement that provides Kyiv with $4.5 billion this year.",
         {("UKR", "agreement", "committed"), ("JPN", "agreement", "committed"), ("JPN", "financial_support", "committed")}),
        # to strike an enemy is not to strike a deal
        ("Israel would strike Hezbollah if it violated the deal, Netanyahu said.", set()),
        # "the two sides" in a reported clause are two actors, never the single reporter
        ("The two sides struck a deal in Doha, Qatar said.", set()),
        ("Sudan and Egypt held talks in Cairo. The two sides struck a deal on Monday, Qatar said.",
         {("SDN", "agreement", "committed"), ("EGY", "agreement", "committed")}),
        ("Egypt and Sudan struck a defence pact on Tuesday.",
         {("EGY", "agreement", "committed"), ("SDN", "agreement", "committed")}),
        # ammunition depots are infrastructure, not ammunition
        ("A prerequisite is that Lithuania provides barracks and ammunition depots.", set()),
    ])


def test_a_known_full_name_makes_the_surname_known_and_a_coordinated_reported_clause_keeps_its_reporter():
    assert_each_gives([
        # "Petro" alone is no alias; after "Gustavo Petro" in the same article it is him
        ("The president, Gustavo Petro, spoke in Buenos Aires. \u201cIt will remain as scrap metal,\u201d but it "
         "will not hand over Russian weapons, Petro said.", {("COL", "military_aid", "declined")}),
        ("Lyndon Johnson addressed the nation. Johnson said he would send 50,000 more troops.",
         {("USA", "troop_deployment", "committed")}),
        # a surname that is a common word stays a word
        ("Theresa May spoke in London. Estonia will host 500 troops from May, officials said.", set()),
    ])


def test_the_body_named_in_a_force_deploys_it_and_hosts_reject_occupying_forces():
    assert_each_gives([
        ("The leaders decided to order the deployment of the ECOWAS standby force to Niger.",
         {("ECOWAS", "troop_deployment", "committed")}),
        ("Niger said imperialist and neo-colonial forces are not welcome on its territory.",
         {("NER", "troop_deployment", "opposed")}),
    ])


def test_sources_of_money_and_forces_and_a_speaker_after_a_comma():
    assert_each_gives([
        ("The package includes $3 billion from Saudi Arabia and $2 billion from the United Arab Emirates.",
         {("SAU", "financial_support", "committed"), ("ARE", "financial_support", "committed")}),
        # the reporter after a comma is no member of the list before it
        ("The force will include troops from Uganda and Burundi, the AU said.",
         {("UGA", "troop_deployment", "committed"), ("BDI", "troop_deployment", "committed")}),
        ("New Delhi will extend $1 billion in credit to Colombo, a senior official said.",
         {("IND", "financial_support", "committed")}),
        ("Moscow has delivered two S-300 batteries to Damascus, a military source said.",
         {("RUS", "military_aid", "committed")}),
    ])


def test_a_successor_state_s_names_stand_for_its_predecessor_in_articles_published_before_the_succession():
    con = build_from_texts({
        "1972.txt": as_article("Moscow agreed to supply Egypt with MiG jet fighters."),
        "2015.txt": as_article("Moscow agreed to supply Syria with MiG jet fighters."),
        "undated.txt": as_article("Moscow agreed to supply Iran with MiG jet fighters."),
        "1995.txt": as_article("Belgrade will send troops to the border, the defence minister said."),
        "2004.txt": as_article("Belgrade will send troops to the frontier, the defence minister said.")},
        published={"1972.txt": "1972-03-01", "2015.txt": "2015-03-01", "1995.txt": "1995-05-05",
                   "2004.txt": "2004-05-05"})
    assert facts(con, "1972.txt") == {("SUN", "military_aid", "committed")}
    assert facts(con, "2015.txt") == {("RUS", "military_aid", "committed")}
    # without a date nothing says which state the names stood for: they keep their own
    assert facts(con, "undated.txt") == {("RUS", "military_aid", "committed")}
    assert facts(con, "1995.txt") == {("YUG", "troop_deployment", "committed")}
    assert facts(con, "2004.txt") == {("SCG", "troop_deployment", "committed")}
