"""A person's data as a whole: the export they can download, erasure when they delete their
account or an admin removes them, and the purge of inactive accounts. Every feature declares its
share in the personal-data registry; this package only assembles those shares."""
