"""Parts of the fictional demo city: published distributions, fictional names, the background population
of organisations and the drug and alcohol system the demo exercise re-commissions. The entry point is
netimpact.domain.demo_city.build_demo_city."""
