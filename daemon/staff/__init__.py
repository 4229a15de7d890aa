"""Staff identity: accounts, roles and the verified staff id each staff call carries."""
