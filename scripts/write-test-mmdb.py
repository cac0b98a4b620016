#!/usr/bin/env python3
"""Writes the small MaxMind databases the stage.geoip tests read, with the record layout of GeoLite2 City, Country
and ASN (documented by MaxMind), using mmdb-writer from PyPI. Usage: write-test-mmdb.py DIR
(writes DIR/city.mmdb, DIR/country.mmdb, DIR/asn.mmdb). The networks are documentation ranges (RFC 5737/3849)."""
import sys

from mmdb_writer import MMDBWriter, MmdbF64, MmdbU16, MmdbU32
from netaddr import IPSet

out = sys.argv[1]

berlin = {
    'city': {'geoname_id': MmdbU32(2950159), 'names': {'en': 'Berlin', 'de': 'Berlin'}},
    'continent': {'code': 'EU', 'geoname_id': MmdbU32(6255148), 'names': {'en': 'Europe', 'fr': 'Europe'}},
    'country': {'geoname_id': MmdbU32(2921044), 'iso_code': 'DE', 'names': {'en': 'Germany', 'de': 'Deutschland'}},
    'location': {'accuracy_radius': MmdbU16(20), 'latitude': MmdbF64(52.5196), 'longitude': MmdbF64(13.4069),
                 'time_zone': 'Europe/Berlin'},
    'postal': {'code': '10178'},
    'subdivisions': [
        {'geoname_id': MmdbU32(2950157), 'iso_code': 'BE', 'names': {'en': 'Land Berlin'}},
        {'geoname_id': MmdbU32(6547383), 'iso_code': 'BE-M', 'names': {'en': 'Mitte'}},
    ],
}
# A network known only to its country (no city, no coordinates): what the stage leaves out.
country_only = {
    'continent': {'code': 'NA', 'names': {'en': 'North America'}},
    'country': {'iso_code': 'CA', 'names': {'en': 'Canada'}},
}

city = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type='GeoLite2-City', languages=['en', 'de'], description={'en': 'Tributary test city db', 'de': 'Testdatenbank'})
city.insert_network(IPSet(['192.0.2.0/24', '2001:db8:1::/48']), berlin)
city.insert_network(IPSet(['198.51.100.0/24']), country_only)
city.to_db_file(out + '/city.mmdb')

country = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type='GeoLite2-Country', languages=['en'], description={'en': 'Tributary test country db'})
country.insert_network(IPSet(['192.0.2.0/24']), {k: berlin[k] for k in ('continent', 'country')})
country.to_db_file(out + '/country.mmdb')

asn = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type='GeoLite2-ASN', languages=['en'], description={'en': 'Tributary test asn db'})
asn.insert_network(IPSet(['203.0.113.0/24']), {'autonomous_system_number': MmdbU32(64496), 'autonomous_system_organization': 'Example Homelab Transit'})
asn.to_db_file(out + '/asn.mmdb')
