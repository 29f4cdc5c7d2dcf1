"""Help when something goes wrong (ill, lost the job, pay or housing problems, a doctor at
night, an accident, the police, the first days): the content pack's help pages, open to anyone
and saved for offline use after joining."""
