"""The public-data pipeline: public files in ../shared/data → fixtures/ → the database.

sources/   one module per public source: a thin reader that checks the file, plus pure functions
           that turn its rows into fixture records (kentdata.records gives the record shapes).
offer.py   providers, sites, courses and enrolments from the provider sources (GIAS, links, spine,
           performance tables, T Level register), following old URNs to the providers they were.
build.py   build_kent_fixtures(): runs every source and writes the compact extract.
fixture/   the fixture files' checks and their upserts into areas and providers.
load.py    load_kent(): every fixture file in one transaction.

Imports areas and providers; nothing imports kentdata.
"""
