-- MoUs and other partnerships per publishing organisation.
select organisation, kind, agreements
from partnerships_by_organisation
order by agreements desc, organisation;
