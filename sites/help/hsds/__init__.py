"""Open Referral's Human Services Data Specification (HSDS 3.1): the help directory in and out.

`vocabulary` holds what the two directions share (ids, Lantern's taxonomy of kinds of help);
`compiled` turns resources into HSDS records, which `export` writes and `api` serves;
`importer` reads HSDS JSON or a tabular datapackage into resources.
"""
