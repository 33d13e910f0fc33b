"""Import the public provider files (build) and the fixture's providers, sites and courses (load).

sources: readers for GIAS, links, school spine, performance tables and the T Level register.
build:   today's providers, their sites and courses from those files.
fixture: build_kent_fixtures(), which writes the whole extract (with areas.importers).
load:    load_providers(), the upsert from the fixture; providers.loading.load_kent runs it all.
"""
