print("kvnode: the server arrives with the cluster work (issue 3)")
